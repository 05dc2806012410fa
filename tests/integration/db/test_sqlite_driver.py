"""SQLite with its statements on the event loop's thread, or one aiosqlite call each (core/db/sqlite_driver.py): what
SQLAlchemy reads of a statement is what it read before — rows, RETURNING, rowcount of one statement and of
executemany, lastrowid, errors — with a fraction of the calls into the driver's thread, and the event loop never
waits for the write lock or a long read."""

from __future__ import annotations

import asyncio
import collections
import contextlib
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


async def test_a_unit_with_one_select_makes_no_call(sqlite_engine: AsyncEngine,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = make_session_factory(sqlite_engine)
    async with sessions() as s:
        await s.execute(insert(User), [user(1)])
        await s.commit()
    with thread_calls(monkeypatch) as calls:
        async with sessions() as s:
            assert (await s.execute(select(User.first_name).where(User.id == 1))).scalar_one() == "U1"
            await s.commit()
    # BEGIN IMMEDIATE with the SELECT, then COMMIT, on the loop's thread; no ROLLBACK when the pool takes it back
    assert calls == {}
    with thread_calls(monkeypatch) as calls:
        async with sessions() as s:  # a unit that sends nothing opens no transaction and makes no call
            await s.commit()
        async with sessions(execution_options={READ_ONLY: True}) as s:  # a read-only unit: BEGIN with its SELECT
            assert (await s.execute(select(User.id))).scalars().all() == [1]
        async with sessions() as s:  # a batch keeps the driver's thread
            await s.execute(insert(User), [user(2), user(3)])
            await s.commit()
    assert calls == {"_run": 1}  # the read-only unit's ROLLBACK too ran on the loop's thread


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
    assert calls == {"_run": 1}  # the rest, COMMIT included, on the loop's thread
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
    assert calls == {"_run": 1}
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


async def test_units_of_one_process_take_turns_on_the_loop(sqlite_engine: AsyncEngine,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit that finds another unit of this process writing waits for its turn on the event loop, not in SQLite's
    busy handler in the driver's thread, and the turns go in the order the units came."""
    sessions = make_session_factory(sqlite_engine)
    first_writes, go_on = asyncio.Event(), asyncio.Event()
    order: list[int] = []

    async def first() -> None:
        async with sessions() as s:
            await s.execute(insert(User).values(user(1)))
            first_writes.set()
            await go_on.wait()  # holds the write lock across an await (a network call in a unit, say)
            order.append(1)
            await s.commit()

    async def then(user_id: int) -> None:
        async with sessions() as s:
            await s.execute(insert(User).values(user(user_id)))
            order.append(user_id)
            await s.commit()

    with thread_calls(monkeypatch) as calls:
        holder = asyncio.create_task(first())
        await first_writes.wait()
        waiters = []
        for user_id in (2, 3, 4):  # each in line before the next comes
            waiters.append(asyncio.create_task(then(user_id)))
            await asyncio.sleep(0.1)
        assert order == [] and not any(w.done() for w in waiters)
        go_on.set()
        await asyncio.gather(holder, *waiters)
    assert order == [1, 2, 3, 4]
    assert "_run" not in calls  # no unit waited in the driver's thread (new connections were opened: their setup)
    async with sessions() as s:
        assert (await s.execute(select(User.id).order_by(User.id))).scalars().all() == [1, 2, 3, 4]


async def test_a_cancelled_waiter_leaves_the_line(sqlite_engine: AsyncEngine) -> None:
    sessions = make_session_factory(sqlite_engine)
    async with sessions() as holding:
        await holding.execute(insert(User).values(user(1)))

        async def write(user_id: int) -> None:
            async with sessions() as s:
                await s.execute(insert(User).values(user(user_id)))
                await s.commit()

        gone = asyncio.create_task(write(2))
        await asyncio.sleep(0.05)
        next_ = asyncio.create_task(write(3))  # in line behind it
        await asyncio.sleep(0.05)
        gone.cancel()
        await asyncio.gather(gone, return_exceptions=True)
        await holding.commit()
    await asyncio.wait_for(next_, 0.5)  # at once: not after a holder's check (TURN_CHECK, 1 s)
    await asyncio.gather(gone, return_exceptions=True)
    assert gone.cancelled()
    async with sessions() as s:
        assert (await s.execute(select(User.id).order_by(User.id))).scalars().all() == [1, 3]


async def test_a_turn_left_by_a_unit_ended_elsewhere_is_taken_back(sqlite_engine: AsyncEngine,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The turn is an ordering of this process's writers, not a lock of its own: a holder whose transaction ended
    without its connection passing the turn on (ended on the sqlite3 connection itself) is found out by the waiter."""
    monkeypatch.setattr(sqlite_driver, "TURN_CHECK", 0.05)
    sessions = make_session_factory(sqlite_engine)
    async with sessions() as holding:
        await holding.execute(insert(User).values(user(1)))
        raw = (await holding.connection()).sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
        raw._connection._conn.rollback()  # type: ignore[union-attr]
        async with sessions() as s:
            await asyncio.wait_for(s.execute(insert(User).values(user(2))), 5)
            await s.commit()
    async with sessions() as s:
        assert (await s.execute(select(User.id))).scalars().all() == [2]


async def test_the_wal_is_checkpointed_off_the_loop(sqlite_engine: AsyncEngine, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """COMMIT runs on the loop's thread with SQLite's automatic checkpoint off: the driver checkpoints every
    CHECKPOINT_EVERY commits in a worker thread, so the database file takes in what the WAL holds."""
    monkeypatch.setattr(sqlite_driver, "CHECKPOINT_EVERY", 10)
    db = tmp_path / "driver.db"
    sessions = make_session_factory(sqlite_engine)
    async with sqlite_engine.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA wal_autocheckpoint")).scalar_one() == 0
        raw = (await conn.get_raw_connection()).dbapi_connection
        raw._connection._secretary_writers.commits = 0  # type: ignore[union-attr]  # the fixture's commits
    with contextlib.closing(sqlite3.connect(db)) as other:
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the fixture's table, in the database file
    start = db.stat().st_size

    async def write(user_id: int) -> None:
        async with sessions() as s:
            await s.execute(insert(User).values({**user(user_id), "first_name": "x" * 3000}))
            await s.commit()

    for user_id in range(1, 10):
        await write(user_id)
    await asyncio.sleep(0.2)
    assert db.stat().st_size == start  # all in the WAL so far
    await write(10)  # the tenth commit since the count began
    for _ in range(100):
        if db.stat().st_size > start + 10 * 3000:
            break
        await asyncio.sleep(0.02)
    assert db.stat().st_size > start + 10 * 3000
