"""Process heartbeats (bot, worker, beat) in the database, read by /health."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.db.engine import dialect_name
from core.queue.models import Heartbeat

STALE_AFTER = timedelta(seconds=60)


async def beat(session: AsyncSession, name: str, role: str) -> None:
    insert = pg_insert if dialect_name(session) == "postgresql" else sqlite_insert
    now = utcnow()
    stmt = insert(Heartbeat).values(name=name, role=role, seen_at=now)
    await session.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"seen_at": now, "role": role}))


async def alive(session: AsyncSession) -> dict[str, dict[str, object]]:
    now = utcnow()
    rows = (await session.scalars(select(Heartbeat))).all()
    return {
        r.name: {"role": r.role, "seen_at": r.seen_at.isoformat(), "alive": now - r.seen_at < STALE_AFTER}
        for r in rows
    }
