"""The short path of a reply at light load (issue 17): ingress stores and claims in one transaction, consumers make
no empty claim after an answered update, and a job made by a unit of work of a process that runs its jobs itself is
created already claimed (no claim transaction) — with every lease rule kept."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Dispatcher
from sqlalchemy import select

from bot.consumer import InboxConsumer
from core.db.base import utcnow
from core.queue import inbox, jobs
from core.queue.inbox import Claim
from core.queue.ingest import QueueFull, ingest
from core.queue.models import Job, QueueStatus
from core.runtime import Runtime
from tests.integration.queue.test_queue_ingest import message, rows
from tests.support.sql import recorded_statements
from worker.inprocess import InProcessRunner


class Taker:
    """The free consumers, recording what they were handed."""

    def __init__(self, consumer: InboxConsumer) -> None:
        self.consumer = consumer
        self.lease_seconds = consumer.lease_seconds
        self.taken: list[Claim] = []

    def free(self) -> int:
        return self.consumer.free()

    def take(self, claims: list[Claim]) -> None:
        self.taken.extend(claims)


def consumer(runtime: Runtime, concurrency: int = 2) -> InboxConsumer:
    return InboxConsumer(runtime, bot=None, dp=Dispatcher(), concurrency=concurrency)  # type: ignore[arg-type]


class TestStoreAndClaim:
    async def test_stored_updates_are_claimed_in_the_same_transaction_up_to_the_free_consumers(
            self, runtime: Runtime) -> None:
        taker = Taker(consumer(runtime, concurrency=2))
        woken: list[bool] = []
        runtime.inbox_listeners.append(lambda: woken.append(True))

        stored = await ingest(runtime, [message(1, 1), message(2, 2), message(3, 3)], taker=taker)

        assert stored == 3
        assert sorted(c.update_id for c in taker.taken) == [1, 2]  # two consumers free
        inbox = await rows(runtime)
        assert {u: r.status for u, r in inbox.items()} == {1: "CLAIMED", 2: "CLAIMED", 3: "NEW"}
        assert {r.lease_token for r in inbox.values() if r.status == "CLAIMED"} == {taker.taken[0].lease_token}
        assert woken  # the third waits for a consumer: they are told there is more

    async def test_a_later_update_of_a_chat_in_flight_waits_its_turn(self, runtime: Runtime) -> None:
        taker = Taker(consumer(runtime, concurrency=4))
        await ingest(runtime, [message(1, 7)], taker=taker)
        woken: list[bool] = []
        runtime.inbox_listeners.append(lambda: woken.append(True))

        await ingest(runtime, [message(2, 7)], taker=taker)  # chat 7's first is still claimed

        assert [c.update_id for c in taker.taken] == [1]
        assert (await rows(runtime))[2].status == "NEW"
        assert woken  # claimed by the consumers once the first is done

    async def test_they_are_stored_claimed_by_the_insert_itself(self, runtime: Runtime) -> None:
        taker = Taker(consumer(runtime, concurrency=4))
        with recorded_statements(runtime.engine, lambda sql: "inbox_updates" in sql) as seen:
            await ingest(runtime, [message(1, 5), message(2, 5), message(3, 6)], taker=taker)
        verbs = [sql.split(None, 1)[0].upper() for sql in seen]
        assert verbs.count("INSERT") == 1 and "UPDATE" not in verbs  # no claim statement after it (the SELECT: the
        # backlog, counted at a process's first store)
        # one per chat: chat 5's second waits for its first, even in the same batch
        assert sorted(c.update_id for c in taker.taken) == [1, 3]
        assert {u: r.status for u, r in (await rows(runtime)).items()} == {1: "CLAIMED", 2: "NEW", 3: "CLAIMED"}
        assert {(r.attempts, r.lease_expires_at is not None) for r in (await rows(runtime)).values()
                if r.status == "CLAIMED"} == {(1, True)}

    async def test_nothing_is_claimed_when_the_store_fails(self, runtime: Runtime) -> None:
        taker = Taker(consumer(runtime))
        runtime.settings = runtime.settings.model_copy(update={"queue_max_total": 0})
        with pytest.raises(QueueFull):  # nothing acknowledged, nothing stored or claimed
            await ingest(runtime, [message(1, 1)], taker=taker)
        assert taker.taken == [] and await rows(runtime) == {}


class TestNoEmptyClaims:
    async def test_an_answered_update_costs_no_claim_when_nothing_else_waits(self, runtime: Runtime) -> None:
        c = consumer(runtime, concurrency=4)
        c.local_ingress = True
        claims: list[int] = []
        original = c._claim

        async def counted(limit: int) -> list[Claim]:
            got = await original(limit)
            claims.append(len(got))
            return got

        handled: list[int] = []

        async def process(claim: Claim) -> None:
            handled.append(claim.update_id)
            async with runtime.unit_of_work() as session:
                assert await inbox.complete(session, claim)

        c._claim = counted  # type: ignore[method-assign]
        c._process = process  # type: ignore[method-assign]
        task = asyncio.create_task(c.run())
        try:
            for _ in range(100):  # the first turn claims once (nothing there) and goes idle
                if claims:
                    break
                await asyncio.sleep(0.02)  # a fixed 0.1 s was too short once on a busy host
            await asyncio.sleep(0.1)
            assert claims == [0]
            for n in (1, 2, 3):
                await ingest(runtime, [message(n, n)], taker=c)
                await asyncio.sleep(0.1)
            assert handled == [1, 2, 3]
            assert claims == [0]  # each was claimed by the store; none cost a claim after it was answered

            await ingest(runtime, [message(4, 9), message(5, 9)], taker=c)  # the second waits for the first
            for _ in range(50):
                if handled[-1:] == [5]:
                    break
                await asyncio.sleep(0.02)
            assert handled == [1, 2, 3, 4, 5]
            assert 1 in claims  # the waiting one was claimed as soon as its chat's first was done
        finally:
            await c.stop()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def ran(runtime: Runtime, kind: str, seen: list[dict[str, Any]]) -> None:
    async def handler(ctx: jobs.JobContext) -> None:
        seen.append(ctx.job.payload)

    runtime.jobs.register(kind, handler)


class TestPreclaimedJobs:
    async def test_a_job_of_a_process_that_runs_its_jobs_is_created_claimed_and_run_without_a_claim(
            self, runtime: Runtime) -> None:
        runner = InProcessRunner(runtime)
        runner.attach()
        seen: list[dict[str, Any]] = []
        await ran(runtime, "test.fast", seen)

        async with runtime.unit_of_work() as session:
            job_id = await jobs.enqueue_job(session, "test.fast", {"n": (1, 2)}, key="fast:1", user_id=5)
        async with runtime.session_factory() as s:
            job = await s.get(Job, job_id)
            assert job is not None
            assert (job.status, job.attempts) == (QueueStatus.CLAIMED.value, 1)
            assert job.lease_token and job.lease_expires_at is not None
        assert runner.queue.qsize() == 1

        claim = runner.queue.get_nowait()
        assert isinstance(claim, jobs.JobClaim) and claim.lease_token == job.lease_token
        assert claim.payload == {"n": [1, 2]}  # as stored: JSON
        await runner._run([claim])

        assert seen == [{"n": [1, 2]}]
        async with runtime.session_factory() as s:
            assert (await s.get(Job, job_id)).status == QueueStatus.DONE.value  # type: ignore[union-attr]

    async def test_a_rolled_back_unit_hands_over_nothing(self, runtime: Runtime) -> None:
        runner = InProcessRunner(runtime)
        runner.attach()
        try:
            async with runtime.unit_of_work() as session:
                await jobs.enqueue_job(session, "test.fast", {}, key="fast:2")
                raise RuntimeError("the handler failed")
        except RuntimeError:
            pass
        assert runner.queue.qsize() == 0
        async with runtime.session_factory() as s:
            assert (await s.scalars(select(Job))).all() == []

    async def test_a_claim_that_waited_past_its_lease_is_left_to_the_sweep(self, runtime: Runtime) -> None:
        runner = InProcessRunner(runtime)
        runner.attach()
        seen: list[dict[str, Any]] = []
        await ran(runtime, "test.slow", seen)
        async with runtime.unit_of_work() as session:
            job_id = await jobs.enqueue_job(session, "test.slow", {}, key="slow:1")
        claim = runner.queue.get_nowait()
        assert isinstance(claim, jobs.JobClaim)
        expired = jobs.JobClaim(**{**claim.__dict__, "lease_expires_at": utcnow() - timedelta(seconds=1)})
        async with runtime.unit_of_work() as session:  # the lease ran out meanwhile
            job = await session.get(Job, job_id)
            assert job is not None
            job.lease_expires_at = utcnow() - timedelta(seconds=1)

        await runner._run([expired])
        assert seen == []  # not run on a lease it no longer holds

        async with runtime.unit_of_work() as session:
            assert await jobs.sweep_jobs(session, stale_after=0) == [job_id]  # back to the queue for any runner

    async def test_without_a_runner_in_the_process_jobs_are_created_new(self, runtime: Runtime) -> None:
        async with runtime.unit_of_work() as session:
            job_id = await jobs.enqueue_job(session, "test.fast", {}, key="fast:3")
            assert jobs.PRECLAIM_KEY not in session.info
        async with runtime.session_factory() as s:
            assert (await s.get(Job, job_id)).status == QueueStatus.NEW.value  # type: ignore[union-attr]

    async def test_a_stopping_runner_gives_back_what_it_did_not_run(self, runtime: Runtime) -> None:
        runner = InProcessRunner(runtime, concurrency=1)
        runner._work = asyncio.Event().wait  # type: ignore[method-assign,assignment]  # a runner too busy to take anything
        task = asyncio.create_task(runner.run())
        await asyncio.sleep(0.05)
        async with runtime.unit_of_work() as session:
            job_id = await jobs.enqueue_job(session, "test.fast", {}, key="fast:4")
        assert runner.queue.qsize() == 1

        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

        assert runtime.dispatch_claims is None  # later units of work leave their jobs for the next runner
        async with runtime.session_factory() as s:
            job = await s.get(Job, job_id)
            assert job is not None
            assert (job.status, job.attempts, job.lease_token) == (QueueStatus.NEW.value, 0, None)

    async def test_a_stopped_runner_lets_the_job_running_finish_and_gives_back_the_rest(self, runtime: Runtime) -> None:
        started, release = asyncio.Event(), asyncio.Event()
        seen: list[str] = []

        async def slow(ctx: jobs.JobContext) -> None:
            started.set()
            await release.wait()
            seen.append(ctx.job.kind)

        runner, task, running = await running_job(runtime, "test.running", slow, started, key="stop:1")
        async with runtime.unit_of_work() as session:
            waiting = await jobs.enqueue_job(session, "test.running", {}, key="stop:2")

        stopping = asyncio.create_task(runner.stop(grace=5))
        await asyncio.sleep(0.1)
        assert not stopping.done()  # it waits for the job running
        release.set()
        await asyncio.wait_for(stopping, 5)
        await asyncio.gather(task, return_exceptions=True)

        assert seen == ["test.running"]  # finished, not cut
        async with runtime.session_factory() as s:
            assert (await s.get(Job, running)).status == QueueStatus.DONE.value  # type: ignore[union-attr]
            job = await s.get(Job, waiting)
            assert job is not None
            assert (job.status, job.attempts, job.lease_token) == (QueueStatus.NEW.value, 0, None)  # for the next run

    async def test_past_the_grace_the_job_is_cancelled_and_its_lease_left_to_run_out(self, runtime: Runtime) -> None:
        started = asyncio.Event()

        async def stuck(ctx: jobs.JobContext) -> None:
            started.set()
            await asyncio.Event().wait()

        runner, task, job_id = await running_job(runtime, "test.stuck", stuck, started, key="stop:3")

        await asyncio.wait_for(runner.stop(grace=0.2), 5)
        assert task.done()
        async with runtime.session_factory() as s:
            job = await s.get(Job, job_id)
            assert job is not None and job.status == QueueStatus.CLAIMED.value  # the sweep gives it back later


async def running_job(runtime: Runtime, kind: str, handler: Any, started: asyncio.Event, *, key: str
                      ) -> tuple[InProcessRunner, asyncio.Task[None], int]:
    """A one-worker runner running, and a job of ``kind`` it has started (its handler set ``started``)."""
    runtime.jobs.register(kind, handler)
    runner = InProcessRunner(runtime, concurrency=1)
    task = asyncio.create_task(runner.run())
    await asyncio.sleep(0.05)
    async with runtime.unit_of_work() as session:
        job_id = await jobs.enqueue_job(session, kind, {}, key=key)
    await asyncio.wait_for(started.wait(), 5)
    return runner, task, job_id
