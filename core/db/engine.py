"""Engine and session factories, built at startup and passed down (never at import)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm.util import identity_key
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.base import Executable

from core.db import sqlite_driver
from core.db.background import YieldingSession

SessionFactory = async_sessionmaker[AsyncSession]
READ_ONLY = "secretary_read_only"  # execution option of a session that only reads (SQLite: BEGIN DEFERRED)


def is_sqlite_url(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, pool_size: int = 20, echo: bool = False, null_pool: bool = False) -> AsyncEngine:
    """Create the async engine.

    Every engine hides its SQL parameters (``hide_parameters``): they are what users wrote, and a failed statement's
    error text (logged, stored as a queue row's last error) must not carry them.

    SQLite: WAL, a busy timeout and ``BEGIN IMMEDIATE`` so that concurrent writers queue up instead of
    failing with "database is locked" halfway through a transaction (writes are serialized).
    """
    if is_sqlite_url(url):
        database = make_url(url).database
        db_path = database if database and database != ":memory:" else None  # a file: its WAL is checkpointed
        if db_path is not None:
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            echo=echo,
            hide_parameters=True,
            connect_args={"timeout": 60, "check_same_thread": False},
            poolclass=NullPool if null_pool else None,
        )
        _configure_sqlite(engine, db_path)
        return engine
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if null_pool:
        kwargs["poolclass"] = NullPool
    else:
        # a process's steady concurrency (consumers, job runners, the sender, polling) fits in the pool: an
        # overflow connection is closed when it is returned, and opening one costs a new PostgreSQL backend. LIFO:
        # the connections in use stay warm; those beyond the steady need sit idle (and are pinged when taken again).
        kwargs.update(pool_size=pool_size, max_overflow=max(1, pool_size // 2), pool_use_lifo=True)
    engine = create_async_engine(url, **kwargs)
    if not null_pool:
        _ping_when_idle(engine)
    return engine


PING_AFTER_IDLE = 5.0  # seconds a pooled connection may rest and still be handed out without a ping


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Check a pooled connection before use only when it rested over PING_AFTER_IDLE seconds.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout; with asyncpg that is BEGIN, an empty query and ROLLBACK,
    three round trips before each unit of work (about 5 % of the bot's CPU per note, and its latency). A connection
    that was in use a moment ago is alive; one that rested may have been closed by the server (a restart, an idle
    timeout), and handing it out would fail a unit of work. A failed ping raises DisconnectionError: the pool
    then discards that connection and tries another (a fresh one if need be)."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _rested_from(_dbapi_conn: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _check_rested(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        rested_from = record.info.get("checked_in")
        if rested_from is None or time.monotonic() - rested_from < PING_AFTER_IDLE:
            return  # new (just connected) or recently used
        try:
            dbapi_conn.ping()
        except Exception as exc:
            raise DisconnectionError("a pooled connection did not answer its ping") from exc


def _configure_sqlite(engine: AsyncEngine, db_path: str | None) -> None:
    sync_engine = engine.sync_engine
    writers = sqlite_driver.Writers(db_path)

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # statements on the loop's thread, writers taking turns there (core/db/sqlite_driver.py)
        sqlite_driver.install(dbapi_conn, writers)
        # take transaction control away from the driver so that we can emit BEGIN IMMEDIATE
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA wal_autocheckpoint=0")  # the driver checkpoints, off the event loop's thread (Writers)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={sqlite_driver.BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # a read-only unit of work (READ_ONLY option) reads beside the writer in WAL mode instead of queueing on
        # the write lock; everything else takes the lock up front
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, class_=YieldingSession, expire_on_commit=False, autoflush=False)


def dialect_name(session: AsyncSession) -> str:
    """'postgresql' or 'sqlite' for the session's bind."""
    bind = session.get_bind()
    return bind.dialect.name


async def execute_core(session: AsyncSession, statement: Executable, params: Any = None) -> Any:
    """Run a Core statement in the session's transaction. The queue's statements (claims, completions, outbox and
    job inserts) are plain SQL on one table: through ``session.execute`` each also paid for the ORM's handling of
    DML (identity-map synchronization, result setup), a few hundred microseconds per statement."""
    conn = await session.connection()
    return await conn.execute(statement, params)


def insert_ignoring(model: type[Any], columns: tuple[str, ...], conflict: list[str], returning: Any
                    ) -> dict[str, Any]:
    """``INSERT … ON CONFLICT (conflict) DO NOTHING RETURNING returning`` built once per dialect, each column bound
    as ``b_<column>`` (executemany with a list of such dicts): for the inserts every update or note makes. Look it up
    with ``dialect_name(session)``."""
    def build(dialect: Any) -> Any:
        return (dialect.insert(model).values({name: bindparam(f"b_{name}") for name in columns})
                .on_conflict_do_nothing(index_elements=conflict).returning(returning))

    return {"postgresql": build(postgresql), "sqlite": build(sqlite)}


T = TypeVar("T")
_BY_PK: dict[type, Select[Any]] = {}


async def get_by_pk(session: AsyncSession, model: type[T], pk: Any) -> T | None:
    """``session.get(model, pk)`` for the hot paths (the user of every update, their settings, the note a job files) of
    a model with a one-column primary key: the identity map first, else one SELECT by that key built once per model.
    ``session.get`` builds its query and that query's cache key on every call, about a third of what a SELECT by key
    costs through the ORM."""
    found = session.identity_map.get(identity_key(model, pk))
    if found is not None:
        return found  # type: ignore[no-any-return]
    statement = _BY_PK.get(model)
    if statement is None:
        statement = _BY_PK[model] = select(model).where(inspect(model).primary_key[0] == bindparam("pk"))
    return await session.scalar(statement, {"pk": pk})  # type: ignore[no-any-return]
