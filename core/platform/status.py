"""Figures for /status: one user's queue and items."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.items import repository as items_repo
from core.queue.models import InboxUpdate, QueueStatus


async def user_status(session: AsyncSession, user_id: int, chat_id: int) -> dict[str, int]:
    rows = await session.execute(
        select(InboxUpdate.status, func.count())
        .where(InboxUpdate.chat_id == chat_id, InboxUpdate.user_id == user_id)
        .group_by(InboxUpdate.status)
    )
    queue = dict(rows.all())
    items = await items_repo.count_by_status(session, user_id)
    return {
        "queued": queue.get(QueueStatus.NEW, 0),  # the /status message itself is CLAIMED, not counted
        "failed": queue.get(QueueStatus.FAILED, 0),
        "dead": queue.get(QueueStatus.DEAD, 0),
        "items": sum(items.values()),
        "inbox": items.get("inbox", 0),
        "scheduled": items.get("scheduled", 0),
        "done": items.get("done", 0),
    }
