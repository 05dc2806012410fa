"""The 0002 migration builds exactly what the models describe, and goes down and up again cleanly."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core.db import migrate
from core.db.engine import make_engine
from core.db.registry import metadata

MINIS_TABLES = {"minis_types", "minis_stage_counts", "minis_history"}


def _is_minis(obj: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any) -> bool:
    """Only Minis tables: other apps' migrations and models may be in flight and are checked by their own tests."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return bool(table) and table in MINIS_TABLES


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": _is_minis})
    return list(compare_metadata(context, metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


class TestMigratedSchema:
    async def test_matches_the_models(self, engine: AsyncEngine) -> None:
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) >= MINIS_TABLES
            assert await conn.run_sync(_diff) == []


@pytest.fixture
async def scratch_engine(engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database next to the test one: a SQLite file, or a fresh PostgreSQL schema."""
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


class TestStairway:
    async def test_upgrade_downgrade_upgrade(self, scratch_engine: AsyncEngine) -> None:
        await migrate.upgrade(scratch_engine, "0002")
        async with scratch_engine.connect() as conn:
            assert await conn.run_sync(_tables) >= MINIS_TABLES
        await migrate.downgrade(scratch_engine, "0001")
        async with scratch_engine.connect() as conn:
            tables = await conn.run_sync(_tables)
        assert not MINIS_TABLES & tables
        assert "users" in tables
        await migrate.upgrade(scratch_engine, "0002")
        async with scratch_engine.connect() as conn:
            assert await conn.run_sync(_tables) >= MINIS_TABLES
