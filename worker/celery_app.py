"""The Celery app for distributed mode: jobs are rows in the database; Celery only carries their ids.

acks_late + prefetch 1, time limits shorter than the job lease, so that a killed worker's job is
re-delivered by Redis or re-dispatched by the sweeper, and a late worker cannot complete it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from celery import Celery
from celery.signals import worker_process_shutdown

from core.config import Settings, get_settings
from core.queue import inbox, jobs
from core.queue.retention import Retention
from core.queue.runner import run_job
from core.runtime import Runtime

log = structlog.get_logger(__name__)

RUN_JOB = "secretary.run_job"
SWEEP = "secretary.sweep"

RuntimeFactory = Callable[[Settings], Awaitable[Runtime]]


class _ProcessState:
    """One event loop and one runtime per worker process, built on first use by the factory the composition root
    gave (it wires every app's jobs in)."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.runtime: Runtime | None = None
        self.runtime_factory: RuntimeFactory | None = None
        self.lock = threading.Lock()
        self.retention = Retention()  # the beat's sweep purges old rows at most once an hour per worker process

    def run(self, settings: Settings, coro_factory: Any) -> Any:
        with self.lock:
            if self.loop is None:
                self.loop = asyncio.new_event_loop()
            if self.runtime is None:
                if self.runtime_factory is None:
                    raise RuntimeError("no runtime factory: start workers with `secretary worker`")
                self.runtime = self.loop.run_until_complete(self.runtime_factory(settings))
                self.runtime.dispatch_jobs = celery_dispatcher(current_app(settings))
            return self.loop.run_until_complete(coro_factory(self.runtime))

    def close(self) -> None:
        if self.loop is not None and self.runtime is not None:
            self.loop.run_until_complete(self.runtime.close())


_state = _ProcessState()
_apps: dict[str, Celery] = {}


def create_celery(settings: Settings) -> Celery:
    app = Celery("secretary", broker=settings.redis_url)
    hard_limit = max(10, settings.job_lease_seconds - 30)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=hard_limit,
        task_soft_time_limit=max(5, hard_limit - 10),
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": settings.job_lease_seconds * 2},
        beat_schedule={"sweep": {"task": SWEEP, "schedule": 10.0}},
        beat_sync_every=1,  # the schedule file is written at every sweep: its age is the health check of beat
        worker_hijack_root_logger=False,
    )

    @app.task(name=RUN_JOB)
    def run_job_task(job_id: int) -> str | None:
        result: str | None = _state.run(settings, lambda rt: run_job(rt, job_id))
        return result

    @app.task(name=SWEEP)
    def sweep_task() -> int:
        def send(job_id: int) -> None:
            app.send_task(RUN_JOB, args=[job_id])

        count: int = _state.run(settings, lambda rt: sweep(rt, send, _state.retention))
        return count

    return app


async def sweep(rt: Runtime, send: Callable[[int], None], retention: Retention) -> int:
    """The beat's sweep: expired leases given back, due jobs sent to the workers, old rows purged when due."""
    async with rt.unit_of_work() as session:
        await inbox.sweep_expired(session)
        due = await jobs.sweep_jobs(session)
    for job_id in due:
        send(job_id)
    await retention.run_if_due(rt, rt.settings)
    return len(due)


def current_app(settings: Settings | None = None, *, runtime_factory: RuntimeFactory | None = None) -> Celery:
    """The Celery app of this Redis. A process that runs tasks (worker, beat) gives the factory of its runtime; one
    that only sends them (web, bot) does not."""
    settings = settings or get_settings()
    if runtime_factory is not None:
        _state.runtime_factory = runtime_factory
    app = _apps.get(settings.redis_url)
    if app is None:
        app = _apps[settings.redis_url] = create_celery(settings)
    return app


def celery_dispatcher(app: Celery) -> Any:
    async def dispatch(job_ids: list[int]) -> None:
        def _send() -> None:
            for job_id in job_ids:
                app.send_task(RUN_JOB, args=[job_id])

        await asyncio.to_thread(_send)

    return dispatch


@worker_process_shutdown.connect
def _shutdown(**_kwargs: Any) -> None:
    _state.close()
