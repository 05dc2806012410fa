"""/calendar [reset|disconnect]: the secret ICS feed and the Google connection (private chats only)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.calendar.views import calendar_view
from bot.telegram.filters import Magic
from core.calendar import service as calendar
from core.i18n import Translator
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User


async def calendar_cmd(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                       t: Translator, runtime: Runtime) -> None:
    arg = (command.args or "").strip().lower()
    settings = runtime.settings
    if arg == "reset":
        text = t("calendar.reset_done", url=await calendar.reset_feed(session, settings, user.id))
        await outbox.send_message(message.chat.id, text)
    elif arg == "disconnect":
        removed = await calendar.disconnect_google(session, user.id)
        text = t("calendar.google.disconnected" if removed else "calendar.google.not_connected")
        await outbox.send_message(message.chat.id, text, parse_mode=None)
    elif arg:
        await outbox.send_message(message.chat.id, t("calendar.usage"), parse_mode=None)
    else:
        text, markup = calendar_view(await calendar.status(session, settings, user.id), t)
        await outbox.send_message(message.chat.id, text, reply_markup=markup)


def build_router() -> Router:
    """A fresh router (aiogram routers attach to one dispatcher only)."""
    router = Router(name="calendar")
    router.message(Command("calendar"), Magic(F.chat.type == "private"))(calendar_cmd)
    return router
