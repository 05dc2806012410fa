"""/ai (provider per user), /key (your own API key, stored encrypted), /usage (your AI usage)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message, Update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ai import views
from bot.ai.callbacks import ForgetKeysCb, ProviderCb
from bot.telegram.replies import say
from core.ai import preferences, usage
from core.ai.secrets import mask_secret
from core.i18n import Translator
from core.queue.redaction import replace_message_text
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User

KEY_WORDS = ("openai", "gemini", "delete")  # the words of /key that are no secret


async def ai_settings(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                      runtime: Runtime) -> None:
    card = views.card(await preferences.current(session, runtime.settings, user.id), t)
    await say(message, outbox, card, views.keyboard(t, user))


async def _show_card(query: CallbackQuery, outbox: Outbox, user: User, t: Translator,
                     now: preferences.AISettings) -> None:
    if query.message is not None:
        await outbox.edit_text(query.message.chat.id, views.card(now, t), parse_mode=None,
                               message_id=query.message.message_id, reply_markup=views.keyboard(t, user))


async def pick_provider(query: CallbackQuery, callback_data: ProviderCb, session: AsyncSession, outbox: Outbox,
                        user: User, t: Translator, runtime: Runtime) -> None:
    now = await preferences.pick_provider(session, runtime.settings, user, callback_data.purpose,
                                          callback_data.provider)
    text, alert = views.picked(now, callback_data.purpose, callback_data.provider, t)
    await query.answer(text, show_alert=alert)
    await _show_card(query, outbox, user, t, now)


async def forget_keys(query: CallbackQuery, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                      runtime: Runtime) -> None:
    await preferences.forget_keys(session, user.id)
    await query.answer(t("ai.keys_deleted"))
    await _show_card(query, outbox, user, t, await preferences.current(session, runtime.settings, user.id))


async def _forget_message(message: Message, update: Update, session: AsyncSession, outbox: Outbox,
                          args: list[str]) -> None:
    """A /key message may hold a key (even a malformed one: a key without its provider, a provider misspelt): it is
    deleted from the chat, and the stored update keeps only a mask of it (committed with the update's handling)."""
    await outbox.delete(message.chat.id, message_id=message.message_id)
    shown = " ".join(a if a.lower() in KEY_WORDS else mask_secret(a) for a in args)
    await replace_message_text(session, chat_id=message.chat.id, update_id=update.update_id, text=f"/key {shown}")


async def set_key(message: Message, command: CommandObject, event_update: Update, session: AsyncSession,
                  outbox: Outbox, user: User, t: Translator, runtime: Runtime) -> None:
    """`/key openai sk-...` or `/key delete gemini`. The message holding a key is deleted from the chat."""
    args = (command.args or "").split()
    if len(args) == 2 and args[0].lower() == "delete":
        deleted = await preferences.delete_key(session, user.id, args[1].lower())
        await say(message, outbox, t("ai.key_deleted" if deleted else "ai.key_none"))
        return
    if args:
        await _forget_message(message, event_update, session, outbox, args)
    if len(args) != 2 or args[0].lower() not in ("openai", "gemini"):
        await say(message, outbox, t("ai.key_usage"))
        return
    if message.chat.type != "private":
        await say(message, outbox, t("ai.key_private_only"))
        return
    provider, value = args[0].lower(), args[1]
    await preferences.save_key(session, runtime.settings, user.id, provider, value)
    await say(message, outbox, t("ai.key_saved", provider=t(f"ai.provider.{provider}"), masked=mask_secret(value)))


async def show_usage(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator) -> None:
    await say(message, outbox, views.usage_text(await usage.summary_for_user(session, user.id), t))


def build_router() -> Router:
    router = Router(name="ai")
    router.message(Command("ai"))(ai_settings)
    router.message(Command("key"))(set_key)
    router.message(Command("usage"))(show_usage)
    router.callback_query(ProviderCb.filter())(pick_provider)
    router.callback_query(ForgetKeysCb.filter(F.confirm))(forget_keys)
    return router
