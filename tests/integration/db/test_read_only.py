"""Runtime.read_only(): a reading unit of work does not queue behind a writer (SQLite: BEGIN DEFERRED in WAL)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from core.runtime import Runtime
from core.users.models import User
from core.users.repository import get_or_create


async def test_a_read_goes_on_while_a_writer_holds_the_lock(runtime: Runtime) -> None:
    async with runtime.unit_of_work() as session:
        await get_or_create(session, 501, first_name="Ann", username=None, language="en", timezone="UTC",
                            reminder_minutes=15)
    async with runtime.session_factory() as writer:
        await get_or_create(writer, 502, first_name="Bob", username=None, language="en", timezone="UTC",
                            reminder_minutes=15)
        await writer.flush()  # the write lock is held (SQLite: BEGIN IMMEDIATE) until the end of this block

        async def read() -> int:
            async with runtime.read_only() as reader:
                return int(await reader.scalar(select(func.count()).select_from(User)) or 0)

        # a reader that queued on the lock would wait for the busy timeout (60 s), not 5
        assert await asyncio.wait_for(read(), timeout=5) == 1  # the uncommitted Bob is not seen
        await writer.commit()
    async with runtime.read_only() as reader:
        assert await reader.scalar(select(func.count()).select_from(User)) == 2
