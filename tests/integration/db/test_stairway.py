"""Migrations: the whole migrated schema equals the models, and every revision goes up, down and up again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import migrate
from core.db.registry import metadata

FULL_TEXT = "search_docs_fts"  # migration 0014's FTS5 table (and its shadow tables) and PostgreSQL's text indexes
# PostgreSQL's generated columns with no SQLite counterpart: migration 0014's stored tsvector and 0017's pgvector
UNMODELLED_COLUMNS = {("search_docs", "tsv"), ("search_docs", "embedding")}


def _not_full_text(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    if type_ == "column" and (parent_names.get("table_name"), name) in UNMODELLED_COLUMNS:
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


class TestSchema:
    # reflection knows no pgvector type: the column (0017's, left out of the comparison) is read as NullType
    @pytest.mark.filterwarnings("ignore:Did not recognize type '(public\\.)?vector'")
    async def test_migrated_schema_matches_all_models(self, engine: AsyncEngine) -> None:
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) == set(metadata.tables)
            assert await conn.run_sync(_diff) == []


class TestHeadCheck:
    async def test_every_script_is_named_by_its_revision_and_the_newest_is_alembics_head(self) -> None:
        script = ScriptDirectory.from_config(migrate.alembic_config())
        for rev in script.walk_revisions():
            assert Path(rev.path).name.startswith(f"{rev.revision}_"), rev.path
        assert [migrate.head_revision()] == list(script.get_heads())

    async def test_a_database_at_head_is_left_alone_and_an_older_one_upgraded(
            self, scratch_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> None:
        assert await migrate.current_revision(scratch_engine) is None
        await migrate.upgrade(scratch_engine, "0016")
        assert await migrate.current_revision(scratch_engine) == "0016"
        await migrate.upgrade(scratch_engine)  # from 0016: through Alembic
        assert await migrate.current_revision(scratch_engine) == migrate.head_revision()
        monkeypatch.setattr("alembic.command.upgrade", _no_alembic)
        await migrate.upgrade(scratch_engine)  # at head: the version is read, Alembic is not run (nor imported)
        assert await migrate.current_revision(scratch_engine) == migrate.head_revision()


def _no_alembic(*_args: Any) -> None:
    raise AssertionError("Alembic was run on a database at head")


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
