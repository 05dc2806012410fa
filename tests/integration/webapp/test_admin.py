"""/health, /admin/stats and /metrics per the contract."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI

from core.db.base import utcnow
from core.items.service import create_note
from core.queue.models import InboxUpdate, Job, QueueStatus
from core.runtime import Runtime
from core.users.service import ensure_user
from webapp.app import create_app

ADMIN = {"Authorization": "Bearer test-admin-token"}


class TestHealth:
    async def test_ok_with_database(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/health")
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "ok" and body["database"] == "ok" and body["redis"] == "off"


class TestAdminStats:
    async def test_requires_the_token(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/admin/stats")).status_code == 401
        assert (await client.get("/admin/stats", headers={"Authorization": "Bearer nope"})).status_code == 401

    async def test_off_without_admin_token(self, runtime: Runtime) -> None:
        runtime.settings = runtime.settings.model_copy(update={"admin_token": "", "sandbox": False})
        app: FastAPI = create_app(runtime.settings, runtime=runtime, run_migrations=False)
        app.state.runtime = runtime
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            assert (await c.get("/admin/stats", headers=ADMIN)).status_code == 404

    async def test_real_figures(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        async with runtime.unit_of_work() as s:
            await ensure_user(s, 5)
            await create_note(s, 5, "buy milk")
            await create_note(s, 5, "call mom")
        r = await client.get("/admin/stats", headers=ADMIN)
        assert r.status_code == 200
        body = r.json()
        assert set(body["inbox"]) >= {"NEW", "CLAIMED", "DONE", "FAILED", "DEAD"}
        assert set(body["jobs"]) >= {"NEW", "CLAIMED", "DONE", "FAILED", "DEAD"}
        assert body["items_by_status"] == {"inbox": 2}
        assert body["pending_calendar_count"] == 0 and body["failed_calendar_count"] == 0
        assert [i["title"] for i in body["latest"]] == ["call mom", "buy milk"]
        assert body["ai_usage"]["calls"] == 0 and body["ai_usage"]["by_model"] == []


class TestDeadWork:
    async def test_dead_updates_and_jobs_are_listed_whatever_came_after_them(
        self, client: httpx.AsyncClient, runtime: Runtime,
    ) -> None:
        start = utcnow() - timedelta(hours=1)
        async with runtime.unit_of_work() as s:
            for n in range(23):  # given up on first ...
                s.add(InboxUpdate(chat_id=100 + n, update_id=n, payload={}, status=QueueStatus.DEAD, attempts=5,
                                  last_error="RuntimeError: boom", updated_at=start + timedelta(seconds=n)))
            for n in range(23, 50):  # ... then many updates went through
                s.add(InboxUpdate(chat_id=100 + n, update_id=n, payload={}, status=QueueStatus.DONE,
                                  updated_at=start + timedelta(seconds=n)))
            for n in range(3):
                s.add(Job(kind="voice.transcribe", idempotency_key=f"dead-{n}", payload={}, user_id=5,
                          status=QueueStatus.DEAD, attempts=5, last_error="TimeoutError",
                          updated_at=start + timedelta(seconds=n)))
            for n in range(30):
                s.add(Job(kind="reminders.fire", idempotency_key=f"done-{n}", payload={}, status=QueueStatus.DONE,
                          updated_at=start + timedelta(minutes=1, seconds=n)))

        body = (await client.get("/admin/stats", headers=ADMIN)).json()

        assert body["inbox"]["DEAD"] == 23 and body["dead_updates_total"] == 23
        assert [u["update_id"] for u in body["dead_updates"]] == list(range(22, 2, -1))  # the 20 latest to die
        assert body["dead_updates"][0]["chat_id"] == 122 and body["dead_updates"][0]["attempts"] == 5
        assert body["dead_updates"][0]["last_error"] == "RuntimeError: boom"
        assert body["jobs"]["DEAD"] == 3 and body["dead_jobs_total"] == 3
        assert [(j["kind"], j["attempts"]) for j in body["dead_jobs"]] == [("voice.transcribe", 5)] * 3


class TestMetrics:
    async def test_prometheus_text(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/metrics")
        assert r.status_code == 200
        assert 'secretary_inbox_updates{status="NEW"} 0.0' in r.text
        assert "secretary_inbox_oldest_new_age_seconds 0.0" in r.text

    async def test_every_family_and_the_http_requests(self, client: httpx.AsyncClient) -> None:
        await client.get("/health")
        text = (await client.get("/metrics")).text
        for family in ("secretary_updates_received_total", "secretary_updates_finished_total",
                       "secretary_update_claim_age_seconds", "secretary_update_handled_seconds",
                       "secretary_outbox_sent_total", "secretary_outbox_retry_after_total",
                       "secretary_outbox_failed_total", "secretary_job_duration_seconds",
                       "secretary_jobs_finished_total", "secretary_ai_calls_total", "secretary_ai_tokens_total",
                       "secretary_ai_latency_seconds", "secretary_stt_audio_seconds_total", "secretary_jobs"):
            assert f"# TYPE {family.removesuffix('_total')}" in text, family
        assert 'http_requests_total{handler="/health",method="GET",status="2xx"}' in text

    async def test_a_metrics_token_guards_the_page(self, web_app: FastAPI, runtime: Runtime,
                                                   client: httpx.AsyncClient) -> None:
        runtime.settings = runtime.settings.model_copy(update={"metrics_token": "scrape-secret"})
        assert (await client.get("/metrics")).status_code == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = await client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert right.status_code == 200 and "secretary_jobs" in right.text
