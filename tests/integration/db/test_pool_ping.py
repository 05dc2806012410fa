"""PostgreSQL's pool pings a connection only when it rested (core.db.engine.PING_AFTER_IDLE): one in use a moment ago
is handed out as it is; one the server closed while it rested is found dead by the ping and replaced."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import engine as engine_module
from core.db.engine import make_engine


@pytest.fixture
async def pooled(database_url: str) -> AsyncIterator[AsyncEngine]:
    if not database_url.startswith("postgresql"):
        pytest.skip("the idle ping is for a server database's pool")
    engine = make_engine(database_url, pool_size=1)
    yield engine
    await engine.dispose()


async def backend(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def terminate(database_url: str, pid: int) -> None:
    admin = make_engine(database_url, null_pool=True)
    async with admin.connect() as conn:
        assert (await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})).scalar_one()
    await admin.dispose()


async def test_a_connection_in_use_a_moment_ago_is_not_pinged(pooled: AsyncEngine,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection

    pings: list[int] = []
    real = AsyncAdapt_asyncpg_connection.ping

    def counting(self: AsyncAdapt_asyncpg_connection) -> None:
        pings.append(1)
        real(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", counting)
    first = await backend(pooled)  # a new connection: not pinged
    assert await backend(pooled) == first and pings == []  # the same one, handed out as it is
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE", 0.0)
    assert await backend(pooled) == first and pings == [1]  # rested: pinged, alive, kept


async def test_a_rested_connection_the_server_closed_is_replaced(pooled: AsyncEngine, database_url: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    first = await backend(pooled)
    await terminate(database_url, first)
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE", 0.0)  # it rested long enough
    second = await backend(pooled)
    assert second != first


async def test_without_the_ping_the_closed_connection_would_fail_the_unit(pooled: AsyncEngine,
                                                                         database_url: str) -> None:
    """What the ping saves: a connection that rested less than PING_AFTER_IDLE is trusted as it is."""
    await terminate(database_url, await backend(pooled))
    with pytest.raises(DBAPIError):
        await backend(pooled)
