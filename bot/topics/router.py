"""The buttons under "Filed into «Ideas»": move the note into another topic while they are valid."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from bot.topics.callbacks import MoveTopicCb
from core.db.base import utcnow
from core.i18n import Translator
from core.runtime import Runtime
from core.topics import service
from core.users.models import User


async def on_move(query: CallbackQuery, callback_data: MoveTopicCb, session: AsyncSession, user: User,
                  t: Translator, runtime: Runtime) -> None:
    await service.request_move(session, user.id, callback_data.filing_id, callback_data.kind, now=utcnow(),
                               press_key=query.id, max_attempts=runtime.settings.job_max_attempts)
    await query.answer(t("topics.moving", topic=service.topic_title(callback_data.kind, t.language)))


def build_router() -> Router:
    router = Router(name="topics")
    router.callback_query(MoveTopicCb.filter())(on_move)
    return router
