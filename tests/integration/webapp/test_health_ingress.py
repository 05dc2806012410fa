"""/health reports ingress lag (the oldest NEW update waiting for a consumer, the last stored update) and is not ok
while an update has waited longer than INGRESS_STUCK_SECONDS."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update

from core.db.base import utcnow
from core.queue import inbox
from core.queue.models import InboxUpdate, QueueStatus
from core.runtime import Runtime


async def put(runtime: Runtime, chat_id: int, update_id: int, *, age: timedelta,
              status: QueueStatus = QueueStatus.NEW) -> None:
    then = utcnow() - age
    async with runtime.unit_of_work() as s:
        await inbox.enqueue_update(s, chat_id=chat_id, user_id=chat_id, update_id=update_id,
                                   payload={"update_id": update_id})
        await s.execute(update(InboxUpdate).where(InboxUpdate.update_id == update_id)
                        .values(status=status, created_at=then, available_at=then))


class TestIngressLag:
    async def test_an_empty_inbox_is_ok_and_the_old_keys_stay(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/health")

        assert r.status_code == 200
        body = r.json()
        assert {"status", "mode", "database", "redis", "worker", "processes"} <= set(body)
        assert body["ingress"] == {"status": "ok", "oldest_new_age_seconds": None, "last_stored_at": None,
                                   "last_stored_age_seconds": None}

    async def test_a_fresh_update_is_reported_and_ok(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        await put(runtime, 1, 1, age=timedelta(seconds=30))

        r = await client.get("/health")

        assert r.status_code == 200 and r.json()["status"] == "ok"
        ingress = r.json()["ingress"]
        assert ingress["status"] == "ok" and 29 <= ingress["oldest_new_age_seconds"] < 90
        assert 29 <= ingress["last_stored_age_seconds"] < 90 and ingress["last_stored_at"]

    async def test_an_update_waiting_beyond_the_threshold_makes_it_503(self, client: httpx.AsyncClient,
                                                                       runtime: Runtime) -> None:
        runtime.settings = runtime.settings.model_copy(update={"ingress_stuck_seconds": 600})
        await put(runtime, 1, 1, age=timedelta(hours=2))
        await put(runtime, 2, 2, age=timedelta(seconds=5))

        r = await client.get("/health")

        assert r.status_code == 503
        body = r.json()
        assert body["status"] == "error" and body["database"] == "ok"
        assert body["ingress"]["status"] == "stuck" and body["ingress"]["oldest_new_age_seconds"] >= 7200
        assert body["ingress"]["last_stored_age_seconds"] < 60

    async def test_an_update_held_by_an_earlier_one_of_its_chat_is_not_stuck(self, client: httpx.AsyncClient,
                                                                             runtime: Runtime) -> None:
        await put(runtime, 1, 1, age=timedelta(hours=2), status=QueueStatus.FAILED)  # waiting for its retry
        await put(runtime, 1, 2, age=timedelta(hours=1))  # behind it, in order

        r = await client.get("/health")

        assert r.status_code == 200 and r.json()["ingress"]["status"] == "ok"
        assert r.json()["ingress"]["oldest_new_age_seconds"] is None
