"""Any text becomes an item or answers the pending question; the buttons on cards and questions.

This router holds the catch-all text handler, so it must be the last one included.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks_secretary import ClarifyCb, ItemCb
from bot.filters import Magic
from bot.keyboards_secretary import CANCEL_CHOICE
from bot.routers import secretary_views as views
from core.db.base import utcnow
from core.errors import DomainError
from core.i18n import Translator
from core.items import questions, render, service
from core.items.questions import Result
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User


async def edit_message(query: CallbackQuery, outbox: Outbox, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the message under the pressed button, unless it already reads so (Telegram refuses no-op edits)."""
    message = query.message
    if not isinstance(message, Message):
        return
    if message.text == text and message.reply_markup == markup:
        return
    await outbox.edit_text(message.chat.id, text, message_id=message.message_id, reply_markup=markup,
                           parse_mode=None)


async def on_text(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                  runtime: Runtime) -> None:
    outcome = await questions.handle_text(session, user.id, user.timezone, message.text or "", now=utcnow(),
                                          ttl=runtime.settings.clarification_ttl)
    await views.send_outcome(session, outbox, message.chat.id, outcome, t, user.timezone,
                             reply_to=message.message_id)


async def on_item_button(query: CallbackQuery, callback_data: ItemCb, session: AsyncSession, outbox: Outbox,
                         user: User, t: Translator, runtime: Runtime) -> None:
    """Done / Reschedule / Cancel under a card."""
    chat_id = query.message.chat.id if query.message else user.id
    try:
        item = await service.owned_by_id(session, user.id, callback_data.item_id)
        if callback_data.action == "resched":
            outcome = await questions.ask_reschedule(session, user.id, item.id, user.timezone, now=utcnow(),
                                                     ttl=runtime.settings.clarification_ttl)
            await query.answer()
            text, markup = views.outcome_reply(outcome, t, user.timezone)
            await outbox.send_message(chat_id, text, reply_markup=markup, parse_mode=None,
                                      ref=f"{views.QUESTION_REF}{item.id}")
            return
        done = callback_data.action == "done"
        item = await (service.mark_done(session, item) if done else service.cancel(session, item))
    except DomainError as error:
        await query.answer(views.error_text(error, t))
        return
    await query.answer()
    await edit_message(query, outbox, *views.changed_reply(item, t, user.timezone))


async def on_question_button(query: CallbackQuery, callback_data: ClarifyCb, session: AsyncSession,
                             outbox: Outbox, user: User, t: Translator) -> None:
    """A time (or Cancel) under a question: the question message becomes the answer."""
    minute = None if callback_data.minute == CANCEL_CHOICE else callback_data.minute
    try:
        outcome = await questions.choose(session, user.id, callback_data.item_id, minute, user.timezone,
                                         now=utcnow())
    except DomainError as error:
        await query.answer(views.error_text(error, t))
        return
    expired = outcome.result == Result.EXPIRED
    await query.answer(t("clarify.expired_alert") if expired else None)
    if expired:
        card = render.card(outcome.item, t, user.timezone)
        await edit_message(query, outbox, f"{card}\n{t('clarify.expired', number=outcome.item.number)}", None)
    else:
        await edit_message(query, outbox, *views.outcome_reply(outcome, t, user.timezone))


def build_router() -> Router:
    """A fresh router (aiogram routers attach to one dispatcher only). Include it last."""
    router = Router(name="secretary")
    router.callback_query(ItemCb.filter())(on_item_button)
    router.callback_query(ClarifyCb.filter())(on_question_button)
    router.message(Magic(F.text), Magic(~F.text.startswith("/")))(on_text)
    return router
