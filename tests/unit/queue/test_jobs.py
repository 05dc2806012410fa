"""Jobs: created in the unit of work, dispatched after commit only, leased, retried, DEAD after the limit."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from core.queue import jobs
from core.queue.jobs import JobContext
from core.queue.models import Job, QueueStatus
from core.queue.runner import run_job
from core.runtime import Runtime
from core.telegram.models import OutboxMessage


class TestDispatchAfterCommit:
    async def test_dispatched_only_after_commit(self, runtime: Runtime) -> None:
        dispatched: list[list[int]] = []

        async def record(ids: list[int]) -> None:
            dispatched.append(ids)

        runtime.dispatch_jobs = record
        async with runtime.unit_of_work() as s:
            job_id = await jobs.enqueue_job(s, "platform.ping", {}, key="k1")
            assert dispatched == []
        assert dispatched == [[job_id]]

    async def test_rollback_drops_the_job(self, runtime: Runtime) -> None:
        dispatched: list[list[int]] = []

        async def record(ids: list[int]) -> None:
            dispatched.append(ids)

        runtime.dispatch_jobs = record
        with pytest.raises(RuntimeError):
            async with runtime.unit_of_work() as s:
                await jobs.enqueue_job(s, "platform.ping", {}, key="k2")
                raise RuntimeError("boom")
        assert dispatched == []
        async with runtime.session_factory() as s:
            assert (await s.scalars(select(Job))).all() == []

    async def test_idempotency_key(self, runtime: Runtime) -> None:
        async with runtime.unit_of_work() as s:
            first = await jobs.enqueue_job(s, "platform.ping", {}, key="same")
        async with runtime.unit_of_work() as s:
            second = await jobs.enqueue_job(s, "platform.ping", {}, key="same")
        assert first is not None and second is None


class TestRun:
    async def test_ping_job_writes_its_message(self, runtime: Runtime) -> None:
        async with runtime.unit_of_work() as s:
            job_id = await jobs.enqueue_job(s, "platform.ping", {"text": "pong!"}, key="p", chat_id=9)
        assert await run_job(runtime, job_id) == QueueStatus.DONE
        async with runtime.session_factory() as s:
            msg = await s.scalar(select(OutboxMessage))
        assert msg is not None and msg.payload["text"] == "pong!" and msg.chat_id == 9

    async def test_failures_retry_then_dead_with_on_dead(self, runtime: Runtime) -> None:
        told: list[str] = []

        async def broken(ctx: JobContext) -> None:
            raise ValueError("provider down")

        async def on_dead(ctx: JobContext, error: str) -> None:
            told.append(error)

        runtime.jobs.register("test.broken", broken, on_dead)
        runtime.settings = runtime.settings.model_copy(update={"queue_backoff_base": 0.0})
        async with runtime.unit_of_work() as s:
            job_id = await jobs.enqueue_job(s, "test.broken", {}, key="b", max_attempts=3)
        statuses = [await run_job(runtime, job_id) for _ in range(3)]
        assert statuses == [QueueStatus.FAILED, QueueStatus.FAILED, QueueStatus.DEAD]
        assert told == ["provider down"]
        assert await run_job(runtime, job_id) is None

    async def test_late_worker_cannot_complete(self, runtime: Runtime) -> None:
        started = asyncio.Event()
        release = asyncio.Event()

        async def slow(ctx: JobContext) -> None:
            from core.telegram.outbox import Outbox

            await Outbox(ctx.session, f"job:{ctx.job.id}").send_message(1, "from the slow worker")
            started.set()
            await release.wait()

        runtime.jobs.register("test.slow", slow)
        runtime.settings = runtime.settings.model_copy(update={"job_lease_seconds": 0})
        async with runtime.unit_of_work() as s:
            job_id = await jobs.enqueue_job(s, "test.slow", {}, key="slow")
        if runtime.engine.dialect.name == "sqlite":
            pytest.skip("SQLite serializes writers: a second claimer waits for the slow transaction")
        late = asyncio.create_task(run_job(runtime, job_id))
        await started.wait()
        async with runtime.unit_of_work() as s:  # the sweeper takes the expired job back
            await jobs.sweep_jobs(s)
        runtime.jobs._specs.pop("test.slow")  # noqa: SLF001
        runtime.jobs.register("test.slow", lambda ctx: asyncio.sleep(0))
        assert await run_job(runtime, job_id) == QueueStatus.DONE
        release.set()
        assert await late is None  # lease lost: its work rolled back
        async with runtime.session_factory() as s:
            assert (await s.scalars(select(OutboxMessage))).all() == []
            assert (await s.get(Job, job_id)).status == QueueStatus.DONE  # type: ignore[union-attr]


class TestDelayedJobs:
    async def test_delayed_job_is_due_only_after_its_delay(self, runtime: Runtime) -> None:
        async with runtime.unit_of_work() as s:
            job_id = await jobs.enqueue_job(s, "platform.ping", {}, key="later", delay=0.3)
            assert jobs.pop_pending_jobs(s) == []  # not dispatched at commit
        async with runtime.unit_of_work() as s:
            assert await jobs.sweep_jobs(s) == []
        await asyncio.sleep(0.35)
        async with runtime.unit_of_work() as s:
            assert await jobs.sweep_jobs(s) == [job_id]
