"""/ask <question>: an answer over the user's own entries and notes, streamed into one message by a job; a cited
entry's button (in a group) shows its card."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ask.callbacks import AskEntryCb
from bot.ask.views import entry_card
from core.ask import service as answers
from core.i18n import Translator
from core.journal import service as journal
from core.journal.errors import EntryNotFound
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User


async def ask(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
              t: Translator, runtime: Runtime) -> None:
    question = (command.args or "").strip()
    chat_id = message.chat.id
    if not question:
        await outbox.send_message(chat_id, t("ask.usage"), parse_mode=None)
        return
    placeholder = await outbox.send_message(chat_id, t("ask.thinking"), reply_to=message.message_id,
                                            parse_mode=None)
    await answers.enqueue_answer(session, user_id=user.id, chat_id=chat_id, question=question,
                                 placeholder_outbox_id=placeholder, message_id=message.message_id,
                                 max_attempts=runtime.settings.job_max_attempts)


async def show_entry(query: CallbackQuery, callback_data: AskEntryCb, session: AsyncSession, outbox: Outbox,
                     user: User, t: Translator) -> None:
    """The card of one of the pressing user's own entries (someone else's is not found)."""
    try:
        entry = await journal.owned(session, user, callback_data.entry_id)
    except EntryNotFound:
        await query.answer(t("ask.entry_gone"), show_alert=True)
        return
    if query.message is None or entry.deleted_at is not None:
        await query.answer(t("ask.entry_gone"), show_alert=True)
        return
    await outbox.send_message(query.message.chat.id, entry_card(journal.entry_out(entry), t), parse_mode=None)
    await query.answer()


def build_router() -> Router:
    router = Router(name="ask")
    router.message(Command("ask"))(ask)
    router.callback_query(AskEntryCb.filter())(show_entry)
    return router
