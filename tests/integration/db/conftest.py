"""The migration tests' empty databases: a SQLite file, or a fresh PostgreSQL schema next to the test one."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core.db.engine import make_engine

# a server without pgvector, as the migrations see it: the catalog view that lists the server's extensions, shadowed
# in the scratch schema (searched before pg_catalog) by one that leaves pgvector out
_NO_PGVECTOR = ("CREATE VIEW {schema}.pg_available_extensions AS SELECT * FROM pg_catalog.pg_available_extensions "
                "WHERE name <> 'vector'")


@asynccontextmanager
async def _scratch(engine: AsyncEngine, tmp_path: Path, *, without_pgvector: bool = False
                   ) -> AsyncIterator[AsyncEngine]:
    if engine.dialect.name != "postgresql":
        scratch = make_engine(f"sqlite+aiosqlite:///{(tmp_path / 'scratch.db').as_posix()}", null_pool=True)
        yield scratch
        await scratch.dispose()
        return
    schema = f"scratch_{uuid.uuid4().hex[:8]}"
    search_path = f"{schema}, pg_catalog" if without_pgvector else schema
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        if without_pgvector:
            await conn.execute(text(_NO_PGVECTOR.format(schema=schema)))
    scratch = create_async_engine(engine.url, connect_args={"server_settings": {"search_path": search_path}})
    try:
        yield scratch
    finally:
        await scratch.dispose()
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
async def scratch_engine(engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database."""
    async with _scratch(engine, tmp_path) as scratch:
        yield scratch


@pytest.fixture
async def scratch_engine_without_pgvector(engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database on a server that, as far as the migrations can tell, has no pgvector (PostgreSQL only)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("pgvector is a PostgreSQL extension")
    async with _scratch(engine, tmp_path, without_pgvector=True) as scratch:
        yield scratch
