"""/ai (provider per user), /key (your own API key, stored encrypted), /usage (your AI usage)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks_ai import ForgetKeysCb, ProviderCb
from core.ai import secrets, usage
from core.ai.factory import choose
from core.crypto import SecretBox
from core.errors import DomainError
from core.i18n import Translator
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User

PROVIDERS = ("local", "openai", "gemini")


def _keyboard(t: Translator, user: User) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for purpose, current in (("ai", user.ai_provider), ("stt", user.stt_provider)):
        for provider in PROVIDERS:
            mark = "✓ " if current == provider else ""
            label = t(f"ai.purpose.{purpose}") + ": " + t(f"ai.provider.{provider}")
            kb.button(text=mark + label, callback_data=ProviderCb(purpose=purpose, provider=provider))
    kb.button(text=t("ai.forget_keys"), callback_data=ForgetKeysCb())
    kb.adjust(3, 3, 1)
    return kb.as_markup()


async def _card(session: AsyncSession, runtime: Runtime, user: User, t: Translator) -> str:
    ai = await choose(session, runtime.settings, user.id, "ai")
    stt = await choose(session, runtime.settings, user.id, "stt")
    keys = await secrets.providers_with_keys(session, user.id)
    return t(
        "ai.card",
        ai=t(f"ai.provider.{ai.provider}"), ai_source=t(f"ai.source.{ai.key_source}"),
        stt=t(f"ai.provider.{stt.provider}"), stt_source=t(f"ai.source.{stt.key_source}"),
        keys=", ".join(t(f"ai.provider.{p}") for p in keys) or t("ai.no_keys"),
    )


async def ai_settings(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                      runtime: Runtime) -> None:
    await outbox.send_message(message.chat.id, await _card(session, runtime, user, t), parse_mode=None,
                              reply_markup=_keyboard(t, user))


async def pick_provider(query: CallbackQuery, callback_data: ProviderCb, session: AsyncSession, outbox: Outbox,
                        user: User, t: Translator, runtime: Runtime) -> None:
    if callback_data.provider not in PROVIDERS or callback_data.purpose not in ("ai", "stt"):
        await query.answer()
        return
    if callback_data.purpose == "ai":
        user.ai_provider = callback_data.provider
    else:
        user.stt_provider = callback_data.provider
    await session.flush()
    await query.answer(t("ai.saved"))
    if query.message is not None:
        await outbox.edit_text(query.message.chat.id, await _card(session, runtime, user, t), parse_mode=None,
                               message_id=query.message.message_id, reply_markup=_keyboard(t, user))


async def forget_keys(query: CallbackQuery, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                      runtime: Runtime) -> None:
    for provider in await secrets.providers_with_keys(session, user.id):
        await secrets.delete_api_key(session, user.id, provider)
    await query.answer(t("ai.keys_deleted"))
    if query.message is not None:
        await outbox.edit_text(query.message.chat.id, await _card(session, runtime, user, t), parse_mode=None,
                               message_id=query.message.message_id, reply_markup=_keyboard(t, user))


async def set_key(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                  t: Translator, runtime: Runtime) -> None:
    """`/key openai sk-...` or `/key delete gemini`. The message holding a key is deleted from the chat."""
    args = (command.args or "").split()
    chat_id = message.chat.id
    if len(args) == 2 and args[0].lower() == "delete":
        deleted = await secrets.delete_api_key(session, user.id, args[1].lower()) if args[1].lower() in PROVIDERS \
            else False
        await outbox.send_message(chat_id, t("ai.key_deleted" if deleted else "ai.key_none"), parse_mode=None)
        return
    if len(args) != 2 or args[0].lower() not in ("openai", "gemini"):
        await outbox.send_message(chat_id, t("ai.key_usage"), parse_mode=None)
        return
    await outbox.delete(chat_id, message_id=message.message_id)  # the key must not stay in the chat
    if message.chat.type != "private":
        await outbox.send_message(chat_id, t("ai.key_private_only"), parse_mode=None)
        return
    provider, value = args[0].lower(), args[1]
    try:
        await secrets.set_api_key(session, SecretBox.from_settings(runtime.settings), user.id, provider, value)
    except DomainError:
        await outbox.send_message(chat_id, t("ai.key_invalid"), parse_mode=None)
        return
    await outbox.send_message(chat_id, t("ai.key_saved", provider=t(f"ai.provider.{provider}"),
                                         masked=secrets.mask_secret(value)), parse_mode=None)


async def show_usage(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator) -> None:
    summary = await usage.summary_for_user(session, user.id)
    if summary.is_empty:
        await outbox.send_message(message.chat.id, t("ai.usage_empty"), parse_mode=None)
        return
    lines = [t("ai.usage_title")]
    for line in summary.lines:
        lines.append(t("ai.usage_line", provider=line.provider, model=line.model, operation=line.operation,
                       calls=line.calls, tokens=line.input_tokens + line.output_tokens,
                       audio=round(line.audio_seconds)))
    lines.append(t("ai.usage_total", calls=summary.total.calls,
                   tokens=summary.total.input_tokens + summary.total.output_tokens))
    await outbox.send_message(message.chat.id, "\n".join(lines), parse_mode=None)


def build_router() -> Router:
    router = Router(name="ai")
    router.message(Command("ai"))(ai_settings)
    router.message(Command("key"))(set_key)
    router.message(Command("usage"))(show_usage)
    router.callback_query(ProviderCb.filter())(pick_provider)
    router.callback_query(ForgetKeysCb.filter(F.confirm))(forget_keys)
    return router
