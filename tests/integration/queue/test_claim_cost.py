"""A claim reads about what it claims, however many updates wait: it walks the status index in its order and stops
at its limit (ordered by id it read and sorted every ready update: 1.5 ms with 1,000 open, 3.4 ms with 3,000, on
the event loop's thread on SQLite). Counted in SQLite's virtual-machine steps, which do not depend on the host."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.engine import SessionFactory
from core.queue import inbox


def updates(first: int, count: int) -> list[dict[str, Any]]:
    return [{"chat_id": 1000 + i % 200, "user_id": 1, "update_id": i, "payload": {"text": "a note"}}
            for i in range(first, first + count)]


async def claim_steps(session: AsyncSession) -> tuple[int, list[int]]:
    raw = (await session.connection()).sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
    sqlite_conn = raw._connection._conn  # type: ignore[union-attr]
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    sqlite_conn.set_progress_handler(count, 10)
    try:
        claims = await inbox.claim(session, lease_seconds=60, limit=4)
    finally:
        sqlite_conn.set_progress_handler(None, 0)
    return steps, [c.update_id for c in claims]


async def test_a_claim_costs_the_same_with_100_or_3000_updates_waiting(session_factory: SessionFactory,
                                                                        database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's virtual-machine steps")
    steps = []
    for first, count in ((0, 100), (100, 2900)):  # 100 waiting, then 3,000
        async with session_factory() as s:
            await inbox.enqueue_many(s, updates(first, count))
            await s.commit()
        async with session_factory() as s:
            taken, claimed = await claim_steps(s)
            await s.rollback()
        assert claimed == [0, 1, 2, 3]  # the oldest first
        steps.append(taken)
    few, many = steps
    assert many < 2 * few, (few, many)  # ordered by id: 30 times as many
