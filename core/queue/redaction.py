"""Secrets out of the stored updates: a message that carried a secret (an API key sent with /key) keeps its row in
the inbox (the queue's record of what came in), but not the secret."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.queue.models import InboxUpdate
from core.telegram.split import utf16_len


async def replace_message_text(session: AsyncSession, *, chat_id: int, update_id: int, text: str,
                               source: str = "telegram") -> bool:
    """Store ``text`` as the text of an update's message, in the unit of work that handles it (it commits with the
    update's DONE mark). Entities that reached past the new text go. Whether the update was found."""
    row = await session.scalar(select(InboxUpdate).where(
        InboxUpdate.source == source, InboxUpdate.chat_id == chat_id, InboxUpdate.update_id == update_id))
    if row is None:
        return False
    payload = dict(row.payload)
    message = payload.get("message")
    if not isinstance(message, dict):
        return False
    size = utf16_len(text)
    entities = [e for e in message.get("entities") or []
                if isinstance(e, dict) and e.get("offset", 0) + e.get("length", 0) <= size]
    payload["message"] = {**message, "text": text, "entities": entities}
    row.payload = payload  # a new dict: the JSON column is written again
    await session.flush()
    return True
