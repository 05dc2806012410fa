"""Secrets out of the stored updates: a message that carried a secret (an API key sent with /key) keeps its row in
the inbox (the queue's record of what came in), but not the secret."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.queue.inbox import STORING_KEY
from core.queue.models import InboxUpdate
from core.telegram.split import utf16_len


async def replace_message_text(session: AsyncSession, *, chat_id: int, update_id: int, text: str,
                               source: str = "telegram") -> bool:
    """Store ``text`` as the text of an update's message, in the unit of work that handles it (it commits with the
    update's DONE mark; or, for an update handled before it is stored, in the row about to be stored: see
    ``inbox.STORING_KEY``). Entities that reached past the new text go. Whether the update was found."""
    storing = session.info.get(STORING_KEY)
    if storing is not None and (source, chat_id, update_id) == (storing.get("source", "telegram"), storing["chat_id"],
                                                                storing["update_id"]):
        payload = _with_text(storing["payload"], text)
        if payload is not None:
            storing["payload"] = payload
        return payload is not None
    row = await session.scalar(select(InboxUpdate).where(
        InboxUpdate.source == source, InboxUpdate.chat_id == chat_id, InboxUpdate.update_id == update_id))
    if row is None:
        return False
    payload = _with_text(row.payload, text)
    if payload is None:
        return False
    row.payload = payload  # a new dict: the JSON column is written again
    await session.flush()
    return True


def _with_text(payload: dict[str, Any], text: str) -> dict[str, Any] | None:
    """A copy of an update whose message says ``text``; None when it holds no message."""
    message = payload.get("message")
    if not isinstance(message, dict):
        return None
    size = utf16_len(text)
    entities = [e for e in message.get("entities") or []
                if isinstance(e, dict) and e.get("offset", 0) + e.get("length", 0) <= size]
    return {**payload, "message": {**message, "text": text, "entities": entities}}
