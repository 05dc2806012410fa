"""The in-process job runner for embedded mode: jobs dispatched after commit run on this event loop,
and a poller picks up retries, delayed jobs and anything whose dispatch was lost."""

from __future__ import annotations

import asyncio

import structlog

from core.queue import jobs
from core.queue.runner import run_job
from core.runtime import Runtime

log = structlog.get_logger(__name__)


class InProcessRunner:
    def __init__(self, runtime: Runtime, *, concurrency: int = 4, poll_interval: float = 1.0) -> None:
        self.runtime = runtime
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.queue: asyncio.Queue[int] = asyncio.Queue()
        self._queued: set[int] = set()
        self._tasks: list[asyncio.Task[None]] = []

    async def dispatch(self, job_ids: list[int]) -> None:
        for job_id in job_ids:
            if job_id not in self._queued:
                self._queued.add(job_id)
                self.queue.put_nowait(job_id)

    def attach(self) -> None:
        self.runtime.dispatch_jobs = self.dispatch

    async def run(self) -> None:
        self.attach()
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self.concurrency)]
        try:
            while True:
                await self._poll()
                await asyncio.sleep(self.poll_interval)
        finally:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _poll(self) -> None:
        try:
            async with self.runtime.unit_of_work() as session:
                await jobs.sweep_jobs(session, stale_after=0)
                due = await jobs.due_jobs(session)
            await self.dispatch(due)
        except Exception:
            log.exception("runner.poll_failed")

    async def _work(self) -> None:
        while True:
            job_id = await self.queue.get()
            try:
                await run_job(self.runtime, job_id)
            except Exception:  # the database was unreachable: the poller picks the job up again
                log.exception("runner.job_crashed", job_id=job_id)
            finally:
                self._queued.discard(job_id)
                self.queue.task_done()
