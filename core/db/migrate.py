"""Run Alembic migrations programmatically (on start, `secretary migrate`, tests).

A database already at the newest revision is told apart by one query, without Alembic: importing it (and Mako, and
Pygments for Mako's error pages) and reading every migration script is a fifth of a second of every start."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# versions/NNNN_name.py holds revision "NNNN" (tests/integration/db/test_stairway.py holds every script to it)
_SCRIPT = re.compile(r"^(\d{4})_\w+\.py$")


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision() -> str:
    """The newest migration's revision, from the scripts' names."""
    return max(m.group(1) for p in (MIGRATIONS_DIR / "versions").iterdir() if (m := _SCRIPT.match(p.name)))


async def current_revision(engine: AsyncEngine) -> str | None:
    """The database's revision (None: never migrated)."""
    def read(connection: Connection) -> str | None:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    async with engine.connect() as conn:
        return await conn.run_sync(read)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    if revision == "head" and await current_revision(engine) == head_revision():
        return
    await _run(engine, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _run(engine, "downgrade", revision)


async def _run(engine: AsyncEngine, direction: Literal["upgrade", "downgrade"], revision: str) -> None:
    def _do(connection: Connection) -> None:
        from alembic import command

        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        (command.upgrade if direction == "upgrade" else command.downgrade)(cfg, revision)

    async with migration_connection(engine) as conn:
        await conn.run_sync(_do)


@asynccontextmanager
async def migration_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction for migrations, committed at the end.

    On SQLite with foreign keys on (our engine turns them on), Alembic's batch mode — which copies a table to a new
    one and drops the old — would make SQLite delete every row that cascades from the dropped table (``ON DELETE
    CASCADE``). So foreign keys are off while migrating, which SQLite allows only outside a transaction, and
    ``PRAGMA foreign_key_check`` must come back empty before the commit (a row left without its parent rolls the
    whole migration back). They are on again before the connection goes back to the pool."""
    async with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            await conn.run_sync(_sqlite_foreign_keys, False)
        try:
            async with conn.begin():
                yield conn
                if sqlite:
                    await conn.run_sync(_sqlite_foreign_key_check)
        finally:
            if sqlite:
                await conn.run_sync(_sqlite_foreign_keys, True)


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # the DB-API connection itself: a statement through SQLAlchemy would begin a transaction first
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    finally:
        cursor.close()


def _sqlite_foreign_key_check(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise RuntimeError(f"migration left {len(broken)} rows without their parent row in {', '.join(tables)}")
