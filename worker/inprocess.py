"""The in-process job runner for embedded mode: jobs dispatched after commit run on this event loop,
and a poller picks up retries, delayed jobs and anything whose dispatch was lost (and, once an hour, purges what
the retention settings no longer keep)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

from core.db.background import YIELD_TO, Gate
from core.db.base import utcnow
from core.queue import jobs
from core.queue.retention import Retention
from core.queue.runner import run_claimed, run_job
from core.runtime import Runtime

log = structlog.get_logger(__name__)


class InProcessRunner:
    def __init__(self, runtime: Runtime, *, concurrency: int = 4, poll_interval: float = 1.0,
                 max_defer: float = 1.0, claim_batch: int = 4) -> None:
        self.runtime = runtime
        self.concurrency = concurrency
        self.claim_batch = claim_batch
        self.poll_interval = poll_interval
        self.max_defer = max_defer
        self.queue: asyncio.Queue[int | jobs.JobClaim] = asyncio.Queue()
        self._queued: set[int] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self.retention = Retention()
        self._stopping = asyncio.Event()
        self._grace = 0.0
        self._in_flight = 0
        self._drained = asyncio.Event()
        self._drained.set()
        self._running: asyncio.Task[None] | None = None

    async def dispatch(self, job_ids: list[int]) -> None:
        for job_id in job_ids:
            if job_id not in self._queued:
                self._queued.add(job_id)
                self.queue.put_nowait(job_id)

    def take(self, claims: list[jobs.JobClaim]) -> None:
        """Jobs a unit of work of this process created already claimed for us (core.queue.jobs.PRECLAIM_KEY)."""
        for claim in claims:
            self._queued.add(claim.id)
            self.queue.put_nowait(claim)

    def attach(self) -> None:
        self.runtime.dispatch_jobs = self.dispatch
        self.runtime.dispatch_claims = self.take

    async def run(self) -> None:
        """Until stop() (or a cancel): run what is dispatched, poll for the rest."""
        self._running = asyncio.current_task()
        self.attach()
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self.concurrency)]
        try:
            while not self._stopping.is_set():
                await self._poll()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.poll_interval)
        finally:
            self.detach()
            if self._stopping.is_set() and self._in_flight:  # the jobs running finish, within the grace
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._drained.wait(), self._grace)
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._release_queued()

    async def stop(self, grace: float = 10.0) -> None:
        """Take no more jobs; let those running finish (for at most ``grace`` seconds, then they are cancelled and
        their leases run out); give back the claimed ones not started. A job is not cut halfway through a statement
        on a normal stop."""
        self._grace = grace
        self._stopping.set()
        if self._running is not None:
            await asyncio.gather(self._running, return_exceptions=True)

    def detach(self) -> None:
        """Units of work committed from now on leave their jobs NEW, for whoever runs jobs next."""
        if self.runtime.dispatch_claims == self.take:
            self.runtime.dispatch_claims = None

    async def _release_queued(self) -> None:
        claims = []
        while not self.queue.empty():
            queued = self.queue.get_nowait()
            if isinstance(queued, jobs.JobClaim):
                claims.append(queued)
        if not claims:
            return
        try:
            async with self.runtime.unit_of_work() as session:
                await jobs.release_jobs(session, claims)
        except Exception:  # their leases expire and the sweep gives them back
            log.exception("runner.release_failed", job_ids=[c.id for c in claims])

    async def _poll(self) -> None:
        try:
            async with self.runtime.unit_of_work() as session:
                await jobs.sweep_jobs(session, stale_after=0)
                due = await jobs.due_jobs(session)
            await self.dispatch(due)
        except Exception:
            log.exception("runner.poll_failed")
        await self.retention.run_if_due(self.runtime, self.runtime.settings)

    async def _work(self) -> None:
        while True:
            first = await self.queue.get()
            if self._stopping.is_set():  # left for _release_queued
                self.queue.put_nowait(first)
                self.queue.task_done()
                return
            self._in_flight += 1
            self._drained.clear()
            job_ids: list[int | jobs.JobClaim] = [first]
            # With a backlog (more jobs queued than workers: they wait anyway) a worker claims a few at once, in
            # one transaction, and runs them one after another.
            while len(job_ids) < self.claim_batch and self.queue.qsize() > self.concurrency:
                job_ids.append(self.queue.get_nowait())
            try:
                # Replies first: while the bot's consumers are busy a job waits, before it starts and before each
                # transaction it begins (core.db.background), at most max_defer in all, so that jobs never starve.
                # The work is the same; on a saturated core it moves from the user's reply to the job.
                give_way = self._until_idle(asyncio.get_running_loop().time() + self.max_defer)
                YIELD_TO.set(Gate(give_way))
                await give_way()
                await self._run(job_ids)
            except Exception:  # the database was unreachable: the poller picks the jobs up again
                log.exception("runner.job_crashed",  # ids only: a claim carries its payload (user text)
                              job_ids=[q.id if isinstance(q, jobs.JobClaim) else q for q in job_ids])
            finally:
                self._in_flight -= 1
                if not self._in_flight:
                    self._drained.set()
                for queued in job_ids:
                    self._queued.discard(queued.id if isinstance(queued, jobs.JobClaim) else queued)
                    self.queue.task_done()

    def _until_idle(self, deadline: float) -> Callable[[], Awaitable[None]]:
        """Wait while this process's consumers have updates in flight, until ``deadline`` at the latest."""
        idle = self.runtime.inbox_idle

        async def give_way() -> None:
            if idle.is_set():
                return
            left = deadline - asyncio.get_running_loop().time()
            if left > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(idle.wait(), left)

        return give_way

    async def _run(self, queued: list[int | jobs.JobClaim]) -> None:
        held = [q for q in queued if isinstance(q, jobs.JobClaim)]
        job_ids = [q for q in queued if isinstance(q, int)]
        if len(job_ids) == 1:
            await run_job(self.runtime, job_ids[0])
        elif job_ids:
            async with self.runtime.unit_of_work() as session:
                held += await jobs.claim_jobs(session, job_ids,
                                              lease_seconds=self.runtime.settings.job_lease_seconds)
        for claim in held:
            if claim.lease_expires_at is not None and claim.lease_expires_at <= utcnow():
                continue  # waited here longer than its lease: the sweep gives it back, another run takes it
            await run_claimed(self.runtime, claim)
