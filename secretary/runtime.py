"""The runtime of a process, with every app wired in, and how its jobs are dispatched."""

from __future__ import annotations

from bot.telegram.client import build_bot
from bot.telegram.gateway import BotGateway
from core import runtime as core_runtime
from core.config import Settings
from core.runtime import Runtime
from secretary.apps import wire
from worker.inprocess import InProcessRunner

JOBS_GRACE_SECONDS = 5  # what a job still running at a stop (Ctrl-C, SIGTERM) gets to finish; then it reruns


async def build_runtime(settings: Settings, *, null_pool: bool = False) -> Runtime:
    """Engine, sessions, Redis and every app's jobs, listeners and presenters. The Telegram gateway is attached by
    whoever owns the process's Bot (``secretary.bot.BotServices``, or ``build_worker_runtime``)."""
    return wire(await core_runtime.build_runtime(settings, null_pool=null_pool))


async def build_worker_runtime(settings: Settings) -> Runtime:
    """A Celery worker process's runtime: it owns one Bot client for the jobs that ask Telegram for files or topics."""
    runtime = await build_runtime(settings)
    runtime.telegram = BotGateway(build_bot(settings))
    return runtime


def attach_job_dispatch(runtime: Runtime) -> InProcessRunner | None:
    """Celery when Redis is configured; otherwise the in-process runner (returned, for the caller to run)."""
    if runtime.settings.distributed:
        from worker.celery_app import celery_dispatcher, current_app

        runtime.dispatch_jobs = celery_dispatcher(current_app(runtime.settings))
        return None
    runner = InProcessRunner(runtime)
    runner.attach()
    return runner
