"""A migration that copies a table (Alembic's batch mode on SQLite) keeps the rows that cascade from it.

SQLite copies the table to a new one and drops the old; with foreign keys on, dropping the old one would delete every
row with ``ON DELETE CASCADE`` to it. ``core.db.migrate`` migrates with foreign keys off and checks them before the
commit. On PostgreSQL the same steps alter the table in place: the test holds there too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import migrate
from core.db.engine import make_engine

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
USER = ("INSERT INTO users (id, first_name, language, timezone, reminder_minutes, created_at, updated_at, "
        "last_seen_at) VALUES (1, 'A', 'en', 'UTC', 15, :now, :now, :now)")
ITEM = ("INSERT INTO items (id, user_id, number, kind, status, title, text, source, search_text, calendar_attempts, "
        "created_at, updated_at) "
        "VALUES (7, 1, 1, 'note', 'inbox', 'milk', 'milk', 'text', 'milk', 0, :now, :now)")
LINK = ("INSERT INTO item_messages (item_id, chat_id, message_id, created_at) VALUES (7, 1, 42, :now)")


async def _count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


def _copy_items(connection: Connection) -> None:
    """What a future migration would do: change a column of ``items`` in batch mode, which copies the table on
    SQLite (``recreate="always"`` makes that sure on any SQLite version; on PostgreSQL it is an ALTER)."""
    operations = Operations(MigrationContext.configure(connection, opts={"render_as_batch": True}))
    recreate: Literal["always", "auto"] = "always" if connection.dialect.name == "sqlite" else "auto"
    with operations.batch_alter_table("items", recreate=recreate) as batch:
        batch.alter_column("title", existing_type=sa.String(500), type_=sa.String(600))


async def test_copying_a_table_keeps_what_cascades_from_it(scratch_engine: AsyncEngine) -> None:
    await migrate.upgrade(scratch_engine, "head")
    async with scratch_engine.begin() as conn:
        for statement in (USER, ITEM, LINK):
            await conn.execute(text(statement), {"now": NOW})
    async with migrate.migration_connection(scratch_engine) as conn:
        await conn.run_sync(_copy_items)
    assert await _count(scratch_engine, "items") == 1
    assert await _count(scratch_engine, "item_messages") == 1


async def test_a_row_left_without_its_parent_rolls_the_migration_back(scratch_engine: AsyncEngine) -> None:
    if scratch_engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL checks foreign keys itself, at once")
    await migrate.upgrade(scratch_engine, "head")
    async with scratch_engine.begin() as conn:
        for statement in (USER, ITEM):
            await conn.execute(text(statement), {"now": NOW})
    with pytest.raises(RuntimeError, match="1 rows without their parent row in item_messages"):
        async with migrate.migration_connection(scratch_engine) as conn:
            await conn.execute(text(LINK.replace("VALUES (7,", "VALUES (8,")), {"now": NOW})
    assert await _count(scratch_engine, "item_messages") == 0


async def test_foreign_keys_are_on_again_on_the_pooled_connection(engine: AsyncEngine, tmp_path: Path) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("a SQLite pragma")
    pooled = make_engine(f"sqlite+aiosqlite:///{(tmp_path / 'pooled.db').as_posix()}", pool_size=1)
    try:
        await migrate.upgrade(pooled, "head")
        async with pooled.connect() as conn:  # the one connection the migration used
            assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
    finally:
        await pooled.dispose()
