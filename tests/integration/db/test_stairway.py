"""Migrations: the whole migrated schema equals the models, and every revision goes up, down and up again."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core.db import migrate
from core.db.engine import make_engine
from core.db.registry import metadata

FULL_TEXT = "search_docs_fts"  # migration 0014's FTS5 table (and its shadow tables) and PostgreSQL's text indexes
FULL_TEXT_COLUMN = ("search_docs", "tsv")  # migration 0014's stored tsvector on PostgreSQL (no SQLite counterpart)


def _not_full_text(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    if type_ == "column" and (parent_names.get("table_name"), name) == FULL_TEXT_COLUMN:
        return False
    return not (name or "").startswith((FULL_TEXT, "ix_search_docs_fts"))


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                           "include_name": _not_full_text})
    return list(compare_metadata(context, metadata))


def _tables(connection: Connection) -> set[str]:
    return {t for t in inspect(connection).get_table_names() if not t.startswith(FULL_TEXT)} - {"alembic_version"}


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


@pytest.fixture
async def scratch_engine(engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database: a SQLite file, or a fresh PostgreSQL schema next to the test one."""
    if engine.dialect.name != "postgresql":
        scratch = make_engine(f"sqlite+aiosqlite:///{(tmp_path / 'stairway.db').as_posix()}", null_pool=True)
        yield scratch
        await scratch.dispose()
        return
    schema = f"stairway_{uuid.uuid4().hex[:8]}"
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scratch = create_async_engine(engine.url, connect_args={"server_settings": {"search_path": schema}})
    try:
        yield scratch
    finally:
        await scratch.dispose()
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


class TestSchema:
    async def test_migrated_schema_matches_all_models(self, engine: AsyncEngine) -> None:
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) == set(metadata.tables)
            assert await conn.run_sync(_diff) == []


class TestStairway:
    async def test_each_revision_upgrades_downgrades_and_upgrades_again(self, scratch_engine: AsyncEngine) -> None:
        revisions = _revisions()
        assert revisions[0] == "0001"
        previous = "base"
        for revision in revisions:
            await migrate.upgrade(scratch_engine, revision)
            await migrate.downgrade(scratch_engine, previous)
            await migrate.upgrade(scratch_engine, revision)
            previous = revision
        await migrate.downgrade(scratch_engine, "base")
        async with scratch_engine.connect() as conn:
            assert await conn.run_sync(_tables) == set()
