"""The buttons under "Filed into «Ideas»": move the note into another topic while they are valid."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks_topics import MoveTopicCb
from core.db.base import utcnow
from core.i18n import Translator
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.topics import service
from core.topics.models import NoteFiling
from core.topics.service import TopicError
from core.users.models import User

_ERRORS = {
    service.ERR_MOVE_EXPIRED: "topics.move_expired",
    service.ERR_NOTE_GONE: "topics.note_gone",
    service.ERR_SAME_TOPIC: "topics.same_topic",
}


def move_keyboard(filing: NoteFiling, t: Translator) -> InlineKeyboardMarkup:
    """One button per other topic."""
    kb = InlineKeyboardBuilder()
    for kind in service.other_kinds(filing.kind):
        kb.button(text=service.topic_title(kind, t.language), callback_data=MoveTopicCb(filing_id=filing.id,
                                                                                         kind=kind))
    kb.adjust(2)
    return kb.as_markup()


def confirmation(filing: NoteFiling, t: Translator, *, moved: bool = False) -> str:
    topic = service.topic_title(filing.kind, t.language)
    lines = [t("topics.moved" if moved else "topics.filed", topic=topic)]
    if filing.degraded_code and not moved:
        lines.append(t("topics.degraded"))
    return "\n".join(lines)


async def on_move(query: CallbackQuery, callback_data: MoveTopicCb, session: AsyncSession, outbox: Outbox,
                  user: User, t: Translator, runtime: Runtime) -> None:
    try:
        await service.request_move(session, user.id, callback_data.filing_id, callback_data.kind,
                                   now=utcnow(), press_key=query.id,
                                   max_attempts=runtime.settings.job_max_attempts)
    except TopicError as error:
        kind = error.params.get("kind")
        topic = service.topic_title(kind, t.language) if kind else ""
        expired = error.code == service.ERR_MOVE_EXPIRED
        await query.answer(t(_ERRORS[error.code], topic=topic), show_alert=expired)
        if expired and isinstance(query.message, Message) and query.message.reply_markup is not None:
            await outbox.edit_markup(query.message.chat.id, message_id=query.message.message_id)
        return
    await query.answer(t("topics.moving", topic=service.topic_title(callback_data.kind, t.language)))


def build_router() -> Router:
    router = Router(name="topics")
    router.callback_query(MoveTopicCb.filter())(on_move)
    return router
