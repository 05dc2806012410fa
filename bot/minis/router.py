"""/minis: a summary of your miniatures collection and buttons that open the Mini App."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.minis.views import RECENT, keyboard, summary
from core.i18n import Translator
from core.minis import service
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User


async def minis(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                runtime: Runtime) -> None:
    types = await service.list_types(session, user.id)
    recent = sorted(types, key=lambda m: m["id"], reverse=True)[:RECENT]
    await outbox.send_message(message.chat.id, summary(t, types), parse_mode=None,
                              reply_markup=keyboard(runtime.settings.base_url, t, recent))


def build_router() -> Router:
    router = Router(name="minis")
    router.message(Command("minis"))(minis)
    return router
