"""Run Alembic migrations programmatically (on start, `secretary migrate`, tests).

A database already at the newest revision is told apart by one query, without Alembic: importing it (and Mako, and
Pygments for Mako's error pages) and reading every migration script is a fifth of a second of every start."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

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

    def _do(connection: Connection) -> None:
        from alembic import command

        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(_do)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    def _do(connection: Connection) -> None:
        from alembic import command

        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(_do)
