"""The reply to a text the user typed or said: the same message, whoever handles the text (bot or voice job)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.items.presenter import ItemsPresenter
from core.items.questions import Outcome, Result
from core.telegram.outbox import Outbox, outbox_by_ref

QUESTION_REF = "question:"  # the outbox ``ref`` of a message that carries a question's buttons, by item id


def reply_ref(outcome: Outcome) -> str:
    """Where a reply is found again: a question by its item (its buttons come off once it is answered)."""
    return f"{QUESTION_REF}{outcome.item.id}" if outcome.question is not None else f"item:{outcome.item.id}"


async def send_outcome(session: AsyncSession, outbox: Outbox, presenter: ItemsPresenter, chat_id: int,
                       outcome: Outcome, t: Translator, tz: str, *, reply_to: int | None) -> None:
    """The reply to a text. When the text answered a question, the question's buttons are taken off its message
    first: they would only say "expired" now."""
    if outcome.answered is not None:
        asked = await outbox_by_ref(session, chat_id, f"{QUESTION_REF}{outcome.answered}")
        if asked is not None:
            await outbox.edit_markup(chat_id, outbox_id=asked)
    text, markup = presenter.outcome_reply(outcome, t, tz, retry=outcome.result == Result.ASKED)
    await outbox.send_message(chat_id, text, reply_markup=markup, reply_to=reply_to, parse_mode=None,
                              ref=reply_ref(outcome))


async def update_reply(session: AsyncSession, outbox: Outbox, presenter: ItemsPresenter, chat_id: int,
                       outcome: Outcome, t: Translator, tz: str, *, reply_to: int | None) -> None:
    """The reply already sent about an item, shown again as the item now is (the next photo of an album joined it):
    that message is edited; sent anew only if there is none."""
    sent = await outbox_by_ref(session, chat_id, reply_ref(outcome))
    if sent is None:
        await send_outcome(session, outbox, presenter, chat_id, outcome, t, tz, reply_to=reply_to)
        return
    text, markup = presenter.outcome_reply(outcome, t, tz)
    await outbox.edit_text(chat_id, text, outbox_id=sent, reply_markup=markup, parse_mode=None)
