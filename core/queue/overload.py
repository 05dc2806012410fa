"""Tell chats that the queue is overloaded (at most once a minute per chat)."""

from __future__ import annotations

import time

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import translator
from core.telegram.outbox import Outbox


async def notify_overloaded(session: AsyncSession, chats: list[int], language: str) -> None:
    minute = int(time.time() // 60)
    outbox = Outbox(session, "overload")
    text = translator(language)("queue.overloaded")
    for chat_id in chats:
        if chat_id:
            await outbox.send_message(chat_id, text, parse_mode=None, key=f"overload:{chat_id}:{minute}")
