"""Shared fixtures: a real database (SQLite by default, PostgreSQL with TEST_DATABASE_URL), settings, runtime.

The schema is built once per session by the real Alembic migrations; each test's rows are deleted after it.
With CI=true an unreachable PostgreSQL or Redis fails the run instead of skipping.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from core.config import Settings
from core.db import migrate
from core.db.engine import SessionFactory, make_engine, make_session_factory
from core.db.registry import metadata
from core.runtime import Runtime
from secretary.apps import wire

pytest_plugins = ["tests.support.bot", "tests.support.s3"]  # bot_app, sandbox, sandbox_url; s3_server, s3_bucket

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_BOT_TOKEN = "123456789:TEST-token-for-secretary-tests"


def pytest_configure(config: pytest.Config) -> None:
    from core.logging import configure_logging

    configure_logging("WARNING")


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


async def _create_postgres_database(url: str) -> str:
    """A fresh database per test session (``<db>_<pid>``) so that parallel runs never share a schema."""
    base = make_url(url)
    name = f"{base.database}_{os.getpid()}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    new_url = base.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(new_url, null_pool=True)
    await migrate.upgrade(engine)
    await engine.dispose()
    return new_url


async def _drop_postgres_database(url: str, test_url: str) -> None:
    name = make_url(test_url).database
    admin = create_async_engine(make_url(url), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def _reset_sqlite(url: str) -> None:
    engine = make_engine(url, null_pool=True)
    await migrate.upgrade(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url:
        try:
            test_url = asyncio.run(_create_postgres_database(url))
        except OSError as exc:  # connection refused and friends
            if IN_CI:
                pytest.fail(f"TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc}")
            pytest.skip(f"PostgreSQL unreachable: {exc}")
        yield test_url
        asyncio.run(_drop_postgres_database(url, test_url))
        return
    path = tmp_path_factory.mktemp("db") / "test.db"
    sqlite_url = f"sqlite+aiosqlite:///{path.as_posix()}"
    asyncio.run(_reset_sqlite(sqlite_url))
    yield sqlite_url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A reachable Redis (TEST_REDIS_URL, default 127.0.0.1:6379); in CI its absence is a failure."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        if IN_CI:
            pytest.fail(f"Redis is unreachable at {url}: {exc}")
        pytest.skip(f"Redis unreachable: {exc}")
    return url


async def _wipe(engine: AsyncEngine) -> None:
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                await conn.execute(text(f"DELETE FROM {name}"))
            if await _has_sqlite_sequence(conn):
                await conn.execute(text("DELETE FROM sqlite_sequence"))


async def _has_sqlite_sequence(conn: object) -> bool:
    result = await conn.execute(  # type: ignore[attr-defined]
        text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")
    )
    return result.first() is not None


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(database_url)
    yield eng
    await _wipe(eng)
    await eng.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> SessionFactory:
    return make_session_factory(engine)


@pytest.fixture
async def session(session_factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    async with session_factory() as s:
        yield s
        await s.rollback()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=database_url,
        data_dir=tmp_path,
        telegram_bot_token=TEST_BOT_TOKEN,
        sandbox=True,
        admin_token="test-admin-token",
        redis_url="",
        jwt_signing_key="test-jwt-signing-key-0123456789abcdef",
        master_encryption_key="test-master-key",
    )


@pytest.fixture
async def runtime(settings: Settings, engine: AsyncEngine) -> AsyncIterator[Runtime]:
    rt = wire(Runtime(settings=settings, engine=engine, session_factory=make_session_factory(engine), redis=None))
    yield rt
