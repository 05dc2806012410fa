"""SQLite with one aiosqlite call per statement (core/db/sqlite_driver.py): what SQLAlchemy reads of a statement is
what it read before — rows, RETURNING, rowcount of one statement and of executemany, lastrowid, errors — with a
fraction of the calls into the driver's thread."""

from __future__ import annotations

import collections
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


async def test_a_unit_with_one_select_makes_two_calls(sqlite_engine: AsyncEngine,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = make_session_factory(sqlite_engine)
    async with sessions() as s:
        await s.execute(insert(User), [user(1)])
        await s.commit()
    with thread_calls(monkeypatch) as calls:
        async with sessions() as s:
            assert (await s.execute(select(User.first_name).where(User.id == 1))).scalar_one() == "U1"
            await s.commit()
    # BEGIN IMMEDIATE with the SELECT, then COMMIT; no cursor of their own, no ROLLBACK when the pool takes it back
    assert calls == {"_run": 1, "commit": 1}
    with thread_calls(monkeypatch) as calls:
        async with sessions() as s:  # a unit that sends nothing opens no transaction and makes no call
            await s.commit()
        async with sessions(execution_options={READ_ONLY: True}) as s:  # a read-only unit: BEGIN with its SELECT
            assert (await s.execute(select(User.id))).scalars().all() == [1]
    assert calls == {"_run": 1, "rollback": 1}


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
