"""SQLite with its statements on the event loop's thread, or one aiosqlite call each (core/db/sqlite_driver.py): what
SQLAlchemy reads of a statement is what it read before — rows, RETURNING, rowcount of one statement and of
executemany, lastrowid, errors — with a fraction of the calls into the driver's thread, and the event loop never
waits for the write lock or a long read."""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import aiosqlite.core
import pytest
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import sqlite_driver
from core.db.engine import READ_ONLY, execute_core, make_engine, make_session_factory
from core.users.models import User


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with eng.begin() as conn:
        await conn.run_sync(User.__table__.create)  # type: ignore[attr-defined]
    yield eng
    await eng.dispose()


@contextmanager
def thread_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[collections.Counter[str]]:
    calls: collections.Counter[str] = collections.Counter()
    real = aiosqlite.core.Connection._execute

    async def counted(self: aiosqlite.core.Connection, fn: object, *args: object, **kwargs: object) -> object:
        calls[getattr(fn, "__name__", "?")] += 1
        return await real(self, fn, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    yield calls


def user(user_id: int) -> dict[str, object]:
    return {"id": user_id, "first_name": f"U{user_id}", "language": "en", "timezone": "UTC", "reminder_minutes": 15}


async def test_a_unit_with_one_select_makes_one_call(sqlite_engine: AsyncEngine,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = make_session_factory(sqlite_engine)
    async with sessions() as s:
        await s.execute(insert(User), [user(1)])
        await s.commit()
    with thread_calls(monkeypatch) as calls:
        async with sessions() as s:
            assert (await s.execute(select(User.first_name).where(User.id == 1))).scalar_one() == "U1"
            await s.commit()
    # BEGIN IMMEDIATE with the SELECT, on the loop's thread; then COMMIT; no ROLLBACK when the pool takes it back
    assert calls == {"commit": 1}
    with thread_calls(monkeypatch) as calls:
        async with sessions() as s:  # a unit that sends nothing opens no transaction and makes no call
            await s.commit()
        async with sessions(execution_options={READ_ONLY: True}) as s:  # a read-only unit: BEGIN with its SELECT
            assert (await s.execute(select(User.id))).scalars().all() == [1]
        async with sessions() as s:  # a batch keeps the driver's thread
            await s.execute(insert(User), [user(2), user(3)])
            await s.commit()
    assert calls == {"_run": 1, "commit": 1}  # the read-only unit's ROLLBACK too ran on the loop's thread


async def test_a_unit_waits_for_the_write_lock_in_the_drivers_thread(sqlite_engine: AsyncEngine, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    holder = sqlite3.connect(tmp_path / "driver.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    asyncio.get_running_loop().call_later(0.3, holder.commit)
    sessions = make_session_factory(sqlite_engine)
    try:
        with thread_calls(monkeypatch) as calls:
            async with sessions() as s:
                await s.execute(insert(User).values(user(1)))  # BEGIN IMMEDIATE: busy, so into the thread to wait
                await s.execute(update(User).where(User.id == 1).values(language="ru"))  # then on the loop's thread
                await s.commit()
    finally:
        ticker.cancel()
        holder.close()
    assert calls == {"_run": 1, "commit": 1}
    assert ticks >= 5  # the event loop went on while the unit waited ~0.3 s for the lock (blocked: one tick)
    async with sessions() as s:
        assert (await s.execute(select(User.language))).scalars().all() == ["ru"]


async def test_a_long_read_goes_to_the_drivers_thread_and_keeps_the_unit(sqlite_engine: AsyncEngine,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = make_session_factory(sqlite_engine)
    async with sessions() as s:
        await s.execute(insert(User), [user(i) for i in range(1, 201)])
        await s.commit()
    with thread_calls(monkeypatch) as calls:
        async with sessions() as s:
            await s.execute(update(User).where(User.id == 1).values(language="ru"))
            # 8 million rows to count: far over the loop's budget, stopped there and read again in the thread
            count = text("SELECT count(*) FROM users a, users b, users c WHERE a.language = 'ru' OR b.id > 0")
            assert (await s.execute(count)).scalar_one() == 200 ** 3
            await s.commit()
    assert calls == {"_run": 1, "commit": 1}
    async with sessions() as s:  # the write before the stopped read was kept
        assert (await s.execute(select(User.language).where(User.id == 1))).scalar_one() == "ru"


async def test_what_a_statement_leaves_is_read_as_before(sqlite_engine: AsyncEngine) -> None:
    assert isinstance(await _raw(sqlite_engine), sqlite_driver.OneHopConnection)
    async with sqlite_engine.connect() as conn:
        many = await conn.execute(insert(User), [user(1), user(2), user(3)])
        assert many.rowcount == 3
        returned = await conn.execute(insert(User).returning(User.id, User.first_name), [user(4)])
        assert returned.all() == [(4, "U4")]
        plain = await conn.execute(text(
            "INSERT INTO users (id, first_name, language, timezone, reminder_minutes, created_at, updated_at, "
            "last_seen_at) VALUES (9, 'U9', 'en', 'UTC', 15, '2026-01-01', '2026-01-01', '2026-01-01')"))
        rowid = (await conn.execute(text("SELECT rowid FROM users WHERE id = 9"))).scalar_one()
        assert plain.lastrowid == rowid and plain.rowcount == 1
        changed = await conn.execute(update(User).where(User.id <= bindparam("top")).values(language="ru"),
                                     {"top": 2})
        assert changed.rowcount == 2
        rows = await conn.execute(select(User.id, User.language).order_by(User.id))
        assert list(rows.keys()) == ["id", "language"]
        assert rows.all() == [(1, "ru"), (2, "ru"), (3, "en"), (4, "en"), (9, "en")]
        with pytest.raises(IntegrityError):  # the driver's error, translated as before
            await conn.execute(insert(User), [user(1)])
        await conn.rollback()
        assert (await conn.execute(select(User.id).where(User.id == 1))).first() is None  # rolled back: nothing


async def test_a_failed_unit_rolls_back_and_the_connection_serves_again(sqlite_engine: AsyncEngine) -> None:
    sessions = make_session_factory(sqlite_engine)
    with pytest.raises(IntegrityError):
        async with sessions() as s:
            await execute_core(s, insert(User), [user(1), user(1)])
            await s.commit()
    async with sessions() as s:
        assert (await s.execute(select(User.id))).all() == []
        await execute_core(s, insert(User), [user(5)])
        await s.commit()
    async with sessions() as s:
        assert (await s.execute(select(User.id))).scalars().all() == [5]


async def _raw(engine: AsyncEngine) -> object:
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        return raw.dbapi_connection


async def test_a_stream_sends_its_units_begin_first(sqlite_engine: AsyncEngine) -> None:
    async with sqlite_engine.connect() as conn:
        await conn.execute(insert(User), [user(1), user(2)])
        await conn.commit()
        streamed = await conn.stream(select(User.id).order_by(User.id))  # aiosqlite's server-side cursor
        assert [row async for row in streamed.scalars()] == [1, 2]
        raw = await conn.get_raw_connection()
        assert raw.dbapi_connection._connection._conn.in_transaction  # type: ignore[union-attr]
        await conn.rollback()


async def test_a_call_left_running_by_a_cancelled_task_goes_first(sqlite_engine: AsyncEngine,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A task cancelled while the driver's thread runs its call (a COMMIT at shutdown, say) leaves that call running:
    the connection's next statement queues behind it instead of running on the loop's thread beside it."""
    order: list[str] = []
    started, release = threading.Event(), threading.Event()

    def slow() -> None:
        started.set()
        release.wait(5)
        order.append("the earlier call")

    async with sqlite_engine.connect() as conn:
        await conn.execute(insert(User), [user(1)])
        await conn.commit()
        aio = (await conn.get_raw_connection()).dbapi_connection._connection  # type: ignore[union-attr]
        left = asyncio.create_task(aio._execute(slow))
        assert await asyncio.to_thread(started.wait, 5)
        left.cancel()  # its awaiter gives up; the call goes on in the driver's thread
        await asyncio.gather(left, return_exceptions=True)
        asyncio.get_running_loop().call_later(0.1, release.set)
        with thread_calls(monkeypatch) as calls:
            assert (await conn.execute(select(User.id))).scalars().all() == [1]
            order.append("the next statement")
        await conn.rollback()
    assert order == ["the earlier call", "the next statement"]
    assert calls == {"_run": 1}
