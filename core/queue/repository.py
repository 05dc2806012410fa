"""Queries over the queue's tables as a whole (the inbox, the jobs, the outbox) that no single queue owns."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.engine import execute_core
from core.queue.models import InboxUpdate, Job
from core.telegram.models import OutboxMessage

PURGEABLE: dict[str, Any] = {"inbox": InboxUpdate, "jobs": Job, "outbox": OutboxMessage}


async def delete_finished(session: AsyncSession, table: str, statuses: Collection[str], before: datetime,
                          limit: int) -> int:
    """Delete up to ``limit`` rows of ``table`` in one of ``statuses`` created before ``before``, oldest first;
    how many. A bounded batch: a big table is never locked for long."""
    model = PURGEABLE[table]
    batch = (select(model.id).where(model.status.in_(list(statuses)), model.created_at < before)
             .order_by(model.id).limit(limit))
    result = await execute_core(session, delete(model).where(model.id.in_(batch.scalar_subquery())))
    return int(result.rowcount or 0)
