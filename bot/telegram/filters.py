"""Filters checked on the event loop.

aiogram runs a plain callable filter — a magic filter such as ``F.text`` included — in a worker thread
(``asyncio.to_thread``) for every update it is checked against. For a filter that only reads an attribute that
thread hop costs far more than the check: a context switch, a wake-up of the event loop and the GIL handed back
and forth. ``Magic`` checks the same magic filter in the event loop instead.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject
from magic_filter import MagicFilter

from core.runtime import Runtime


class Magic(Filter):
    """``router.message(Magic(F.text))`` behaves exactly as ``router.message(F.text)``, without the thread."""

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)

    def __str__(self) -> str:
        return f"Magic({self.magic!r})"


class ForThisBot(Filter):
    """A message meant for the bot. In a private chat every one; in a group only a command, one that mentions the bot
    (``@its_username``, or a text mention of it), a reply to one of its messages — or any message in the group
    configured for forum topics (TELEGRAM_GROUP_ID), which is the bot's own. People in a group talk to each other:
    their other messages are not notes.

    The handler may take ``said``: the message's text (or caption) without the mention of the bot."""

    async def __call__(self, message: Message, bot: Bot, runtime: Runtime) -> bool | dict[str, Any]:
        text = message.text or message.caption or ""
        if message.chat.type == "private" or message.chat.id == runtime.settings.telegram_group_id:
            return {"said": text}
        if text.startswith("/"):
            return {"said": text}
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return {"said": text}
        entities = message.entities or message.caption_entities or []
        if any(e.type == "text_mention" and e.user is not None and e.user.id == bot.id for e in entities):
            return {"said": text}
        me = f"@{(await bot.me()).username or ''}".casefold()
        ours = [e for e in entities if e.type == "mention" and e.extract_from(text).casefold() == me]
        if not ours:
            return False
        for entity in reversed(ours):  # entities count UTF-16 code units
            units = text.encode("utf-16-le")
            text = (units[:entity.offset * 2] + units[(entity.offset + entity.length) * 2:]).decode("utf-16-le")
        return {"said": " ".join(text.split())}
