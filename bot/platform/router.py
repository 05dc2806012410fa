"""Platform commands: /start, /help, /settings, /tz, /status, /token."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.platform.callbacks import LanguageCb, TimezoneCb
from bot.platform.keyboards import help_keyboard, settings_keyboard
from bot.platform.views import help_text, settings_text
from bot.telegram.filters import Magic
from core.auth import tokens
from core.i18n import Translator, translator
from core.platform.status import user_status
from core.runtime import Runtime
from core.telegram.outbox import SECRET_REF, Outbox
from core.users.models import User
from core.users.service import set_language, set_timezone


async def start(message: Message, outbox: Outbox, user: User, t: Translator) -> None:
    await outbox.send_message(message.chat.id, t("start.greeting", name=user.first_name or "🙂"), parse_mode=None)


async def help_(message: Message, outbox: Outbox, t: Translator, runtime: Runtime) -> None:
    private = message.chat.type == "private"
    await outbox.send_message(message.chat.id, help_text(t),
                              reply_markup=help_keyboard(runtime.settings.base_url, t) if private else None)


async def settings(message: Message, outbox: Outbox, user: User, t: Translator) -> None:
    await outbox.send_message(message.chat.id, settings_text(t, user), reply_markup=settings_keyboard(user.language))


async def pick_language(query: CallbackQuery, callback_data: LanguageCb, outbox: Outbox, user: User) -> None:
    set_language(user, callback_data.language)
    t = translator(user.language)
    await query.answer(t("settings.language_set"))
    if query.message is not None:
        await outbox.edit_text(query.message.chat.id, settings_text(t, user), message_id=query.message.message_id,
                               reply_markup=settings_keyboard(user.language))


async def pick_timezone(query: CallbackQuery, callback_data: TimezoneCb, outbox: Outbox, user: User,
                        t: Translator) -> None:
    set_timezone(user, callback_data.zone)
    await query.answer(t("settings.tz_set", timezone=user.timezone))
    if query.message is not None:
        await outbox.edit_text(query.message.chat.id, settings_text(t, user), message_id=query.message.message_id,
                               reply_markup=settings_keyboard(user.language))


async def set_tz(message: Message, command: CommandObject, outbox: Outbox, user: User, t: Translator) -> None:
    zone = (command.args or "").strip()
    if not zone:
        await outbox.send_message(message.chat.id, t("settings.tz_usage"), parse_mode=None)
        return
    set_timezone(user, zone)
    await outbox.send_message(message.chat.id, t("settings.tz_set", timezone=zone), parse_mode=None)


async def status(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator) -> None:
    figures = await user_status(session, user.id, message.chat.id)
    await outbox.send_message(message.chat.id, t("status.text", **figures))


async def token(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                t: Translator) -> None:
    if (command.args or "").strip().lower() == "revoke":
        await tokens.revoke_static_tokens(session, user.id)
        await outbox.send_message(message.chat.id, t("token.revoked"), parse_mode=None)
        return
    value = await tokens.issue_static_token(session, user.id)
    # a secret: once sent, the sender forgets the text (the token is in the chat only)
    await outbox.send_message(message.chat.id, t("token.issued", token=value), ref=SECRET_REF)


def build_router() -> Router:
    """A fresh router (aiogram routers attach to one dispatcher only)."""
    router = Router(name="platform")
    router.message(CommandStart())(start)
    router.message(Command("help"))(help_)
    router.message(Command("settings"))(settings)
    router.callback_query(LanguageCb.filter())(pick_language)
    router.callback_query(TimezoneCb.filter())(pick_timezone)
    router.message(Command("tz"))(set_tz)
    router.message(Command("status"))(status)
    router.message(Command("token"), Magic(F.chat.type == "private"))(token)
    return router
