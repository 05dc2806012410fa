"""core's TelegramGateway over the process's one aiogram Bot: what jobs ask of Telegram beyond the outbox."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import (
    BufferedInputFile,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    InlineKeyboardMarkup,
)

from core.telegram.gateway import TelegramRefused

# getChatMember answers these when the user is simply not in the group (not the group's fault)
_NO_SUCH_MEMBER = ("user not found", "participant_id_invalid", "member not found")


class BotGateway:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def download_file(self, file_id: str) -> bytes:
        file = await self.bot.get_file(file_id)
        if file.file_path is None:
            raise LookupError("Telegram gave no file path")
        buffer = await self.bot.download_file(file.file_path)
        return buffer.read() if buffer is not None else b""

    async def create_forum_topic(self, chat_id: int, title: str) -> int:
        try:
            topic = await self.bot.create_forum_topic(chat_id, title)
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            raise TelegramRefused(exc.message) from exc
        return topic.message_thread_id

    async def is_member(self, chat_id: int, user_id: int) -> bool:
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except TelegramBadRequest as exc:  # "chat not found" and the like are the group's fault: refused
            if any(reason in exc.message.lower() for reason in _NO_SUCH_MEMBER):
                return False
            raise TelegramRefused(exc.message) from exc
        except TelegramForbiddenError as exc:
            raise TelegramRefused(exc.message) from exc
        if isinstance(member, ChatMemberRestricted):
            return member.is_member
        return isinstance(member, ChatMemberOwner | ChatMemberAdministrator | ChatMemberMember)

    async def send_photo(self, chat_id: int, photo: bytes, *, caption: str = "", filename: str = "image.png",
                         reply_markup: dict[str, Any] | None = None) -> None:
        markup = InlineKeyboardMarkup.model_validate(reply_markup) if reply_markup else None
        try:
            await self.bot.send_photo(chat_id, BufferedInputFile(photo, filename=filename), caption=caption or None,
                                      reply_markup=markup)
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            raise TelegramRefused(exc.message) from exc

    async def aclose(self) -> None:
        await self.bot.session.close()
