"""POST /telegram/webhook: secret checked, stored before 200, duplicates are no-ops."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import func, select

from core.config import Settings
from core.db.engine import make_engine, make_session_factory
from core.queue.models import InboxUpdate
from core.runtime import Runtime
from webapp.app import create_app

SECRET = {"X-Telegram-Bot-Api-Secret-Token": "hook-secret"}


def update(update_id: int, chat_id: int = 42, text: str = "hello") -> dict[str, Any]:
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 1, "text": text,
            "chat": {"id": chat_id, "type": "private"}, "from": {"id": chat_id, "is_bot": False, "first_name": "A"}}}


class TestSecret:
    async def test_missing_secret_is_401(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/telegram/webhook", json=update(1))
        assert r.status_code == 401

    async def test_wrong_secret_is_403(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/telegram/webhook", json=update(1), headers={"X-Telegram-Bot-Api-Secret-Token": "x"})
        assert r.status_code == 403

    async def test_not_an_update_is_400(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/telegram/webhook", json={"hello": 1}, headers=SECRET)
        assert r.status_code == 400


class TestIngest:
    async def test_update_is_committed_before_200(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        r = await client.post("/telegram/webhook", json=update(10), headers=SECRET)
        assert r.status_code == 200
        async with runtime.session_factory() as s:  # a different session: the row is committed
            row = await s.scalar(select(InboxUpdate))
        assert row is not None and row.update_id == 10 and row.chat_id == 42 and row.status == "NEW"

    async def test_concurrent_duplicate_deliveries_store_one_item(self, client: httpx.AsyncClient,
                                                                  runtime: Runtime) -> None:
        results = await asyncio.gather(*[client.post("/telegram/webhook", json=update(77), headers=SECRET)
                                         for _ in range(8)])
        assert [r.status_code for r in results] == [200] * 8
        async with runtime.session_factory() as s:
            assert await s.scalar(select(func.count()).select_from(InboxUpdate)) == 1

    async def test_queue_full_is_not_acknowledged(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        runtime.settings = runtime.settings.model_copy(update={"queue_max_total": 2})
        codes = [(await client.post("/telegram/webhook", json=update(i), headers=SECRET)).status_code
                 for i in range(1, 5)]
        assert codes == [200, 200, 503, 503]


class TestDatabaseDown:
    async def test_update_not_acknowledged_when_database_unreachable(self, settings: Settings) -> None:
        engine = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere", null_pool=True)
        rt = Runtime(settings=settings.model_copy(update={"sandbox": False, "webhook_secret": "hook-secret"}),
                     engine=engine, session_factory=make_session_factory(engine), redis=None)
        app = create_app(rt.settings, runtime=rt, run_migrations=False)
        app.state.runtime = rt
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            r = await c.post("/telegram/webhook", json=update(5), headers=SECRET)
        assert r.status_code >= 500
        await engine.dispose()
