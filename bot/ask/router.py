"""/ask <question>: an answer over the user's own items, streamed into one message by a job."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from core.ask import service as answers
from core.i18n import Translator
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


def build_router() -> Router:
    router = Router(name="ask")
    router.message(Command("ask"))(ask)
    return router
