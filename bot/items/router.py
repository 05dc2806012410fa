"""Any text becomes an item or answers the pending question (a photo or an album: an item holding them; a text a Mini
App sends: a text); an edit of a message changes the item made of it; the buttons on cards and questions.

This router holds the catch-all text handler, so it must be the last one included.
"""

from __future__ import annotations

import datetime as dt
import json

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.items import views
from bot.items.callbacks import ClarifyCb, ItemCb
from bot.items.keyboards import CANCEL_CHOICE, KEEP_CHOICE
from bot.items.origin import origin_of
from bot.telegram.filters import ForThisBot, Magic
from bot.telegram.replies import edit_pressed
from core.db.base import utcnow
from core.i18n import Translator
from core.items import messages, questions, render, service
from core.items.questions import Result
from core.items.replies import reply_ref, send_outcome, update_reply
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User

PRESENTER = views.ItemsViews()


async def on_text(message: Message, said: str, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                  runtime: Runtime, now: dt.datetime) -> None:
    outcome = await messages.from_text(session, user.id, user.timezone, said, origin_of(message), now=now,
                                       ttl=runtime.settings.clarification_ttl)
    await send_outcome(session, outbox, PRESENTER, message.chat.id, outcome, t, user.timezone,
                       reply_to=message.message_id)


async def on_photo(message: Message, said: str, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                   runtime: Runtime) -> None:
    """A photo is an item holding it; the next photos of its album join it, and the one reply is edited to say so."""
    assert message.photo  # the filter
    found = await messages.from_photo(session, user.id, user.timezone, said, message.photo[-1].file_id,
                                      origin_of(message), untitled=t("items.photo.untitled"), now=utcnow(),
                                      ttl=runtime.settings.clarification_ttl)
    answer = update_reply if found.joined else send_outcome
    await answer(session, outbox, PRESENTER, message.chat.id, found.outcome, t, user.timezone,
                 reply_to=message.message_id)


async def on_edit(message: Message, said: str, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                  runtime: Runtime) -> None:
    """An edited text or caption: the item made of that message follows it (the reply, to the edit, is its new
    card); an edit of any other message is told that it changes nothing."""
    outcome = await messages.edited(session, user.id, user.timezone, said, message.chat.id, message.message_id,
                                    untitled=t("items.photo.untitled"), said_at=message.date, now=utcnow(),
                                    ttl=runtime.settings.clarification_ttl)
    if outcome is None:
        await outbox.send_message(message.chat.id, t("items.edit.not_an_item"), parse_mode=None,
                                  reply_to=message.message_id)
        return
    await send_outcome(session, outbox, PRESENTER, message.chat.id, outcome, t, user.timezone,
                       reply_to=message.message_id)


async def _app_text(message: Message) -> bool | dict[str, str]:
    """Data a Mini App sent (``Telegram.WebApp.sendData``) that carries a text, ``{"text": "..."}``: the handler
    gets it as ``said``. An async filter: aiogram runs a plain function in a thread."""
    try:
        data = json.loads(message.web_app_data.data) if message.web_app_data else None
    except ValueError:
        return False
    text = data.get("text") if isinstance(data, dict) else None
    return {"said": text} if isinstance(text, str) and text.strip() else False


async def on_item_button(query: CallbackQuery, callback_data: ItemCb, session: AsyncSession, outbox: Outbox,
                         user: User, t: Translator, runtime: Runtime) -> None:
    """Done / Skip / Reschedule / Cancel under a card (Done and Skip on a repeating item: this occurrence)."""
    chat_id = query.message.chat.id if query.message else user.id
    item = await service.owned_by_id(session, user.id, callback_data.item_id)
    if callback_data.action == "resched":
        outcome = await questions.ask_reschedule(session, user.id, item.id, user.timezone, now=utcnow(),
                                                 ttl=runtime.settings.clarification_ttl)
        await query.answer()
        text, markup = views.outcome_reply(outcome, t, user.timezone)
        await outbox.send_message(chat_id, text, reply_markup=markup, parse_mode=None, ref=reply_ref(outcome))
        return
    finish = {"done": service.mark_done, "skip": service.skip}.get(callback_data.action, service.cancel)
    item = await finish(session, item)
    await query.answer()
    await edit_pressed(query, outbox, *views.changed_reply(item, t, user.timezone,
                                                           skipped=callback_data.action == "skip"))


async def on_question_button(query: CallbackQuery, callback_data: ClarifyCb, session: AsyncSession,
                             outbox: Outbox, user: User, t: Translator, runtime: Runtime) -> None:
    """A time (or Cancel, or Keep under a passed time) under a question: the question message becomes the answer."""
    keep = callback_data.minute == KEEP_CHOICE
    minute = None if callback_data.minute in (CANCEL_CHOICE, KEEP_CHOICE) else callback_data.minute
    outcome = await questions.choose(session, user.id, callback_data.item_id, minute, user.timezone, now=utcnow(),
                                     ttl=runtime.settings.clarification_ttl, keep=keep)
    if outcome.result != Result.EXPIRED:
        await query.answer()
        await edit_pressed(query, outbox, *views.outcome_reply(outcome, t, user.timezone))
    elif views.is_settled(outcome.item):  # a second tap, or a question closed otherwise: the card keeps its buttons
        await query.answer(t("clarify.closed_alert"))
        await edit_pressed(query, outbox, *views.settled_reply(outcome.item, t, user.timezone))
    else:
        await query.answer(t("clarify.expired_alert"))
        card = render.card(outcome.item, t, user.timezone)
        await edit_pressed(query, outbox, f"{card}\n{t('clarify.expired', number=outcome.item.number)}", None)


def build_router() -> Router:
    """A fresh router (aiogram routers attach to one dispatcher only). Include it last."""
    router = Router(name="items")
    router.callback_query(ItemCb.filter())(on_item_button)
    router.callback_query(ClarifyCb.filter())(on_question_button)
    router.message(Magic(F.text), Magic(~F.text.startswith("/")), ForThisBot())(on_text)  # in a group: if meant
    router.message(Magic(F.photo), ForThisBot())(on_photo)
    router.message(Magic(F.web_app_data), _app_text)(on_text)  # a text from a Mini App is a text
    router.edited_message(Magic(F.text | F.caption), ForThisBot())(on_edit)  # not a live location's moves
    return router
