"""Ingress rules shared by polling and the webhook: store updates durably, apply backpressure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.queue import inbox
from core.telegram.updates import route_of


class QueueFull(Exception):
    """The queue holds QUEUE_MAX_TOTAL open items: do not acknowledge, Telegram will deliver again."""


@dataclass(frozen=True)
class IngestResult:
    stored: int
    overloaded: bool  # above QUEUE_MAX_NEW: stored, but the user should hear that it will take a while
    chats: list[int]


async def store_updates(session: AsyncSession, updates: list[dict[str, Any]], *, max_new: int,
                        max_total: int) -> IngestResult:
    if not updates:
        return IngestResult(0, False, [])
    new, total = await inbox.backlog(session)
    if total + len(updates) > max_total:
        raise QueueFull(f"{total} open items")
    rows: list[dict[str, Any]] = []
    chats: set[int] = set()
    for update in updates:
        chat_id, user_id = route_of(update)
        chats.add(chat_id)
        rows.append({"chat_id": chat_id, "user_id": user_id, "update_id": int(update["update_id"]),
                     "payload": update})
    stored = await inbox.enqueue_many(session, rows)
    return IngestResult(stored, new + stored > max_new, sorted(chats))
