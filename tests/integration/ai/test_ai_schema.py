"""Migration 0003 builds exactly the ai_usage table of the model, and goes down and up again."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import migrate
from core.db.base import Base


def _is_ai(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return getattr(table, "name", name) == "ai_usage"


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": _is_ai})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_the_migrated_table_matches_the_model(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert "ai_usage" in await conn.run_sync(_tables)
        assert await conn.run_sync(_diff) == []


async def test_downgrade_then_upgrade_again(engine: AsyncEngine) -> None:
    """On the test database itself (its tables are emptied after every test anyway)."""
    await migrate.downgrade(engine, "0002")
    async with engine.connect() as conn:
        tables = await conn.run_sync(_tables)
    assert "ai_usage" not in tables and "users" in tables
    await migrate.upgrade(engine, "head")
    async with engine.connect() as conn:
        assert "ai_usage" in await conn.run_sync(_tables)
        assert await conn.run_sync(_diff) == []
