"""The web process: the FastAPI app, and in embedded mode everything else beside it (the bot, the in-process job
runner, the sandbox Telegram)."""

from __future__ import annotations

import asyncio

import structlog
from fastapi import FastAPI

from core.config import Settings
from core.runtime import Runtime
from secretary.bot import BotServices
from secretary.runtime import attach_job_dispatch, build_runtime
from webapp.app import StartHook, Stop, create_app

log = structlog.get_logger(__name__)


async def dispatch_jobs(runtime: Runtime) -> Stop:
    """`secretary web`: jobs go to Celery (distributed) or wait in the database for a bot process's runner."""
    attach_job_dispatch(runtime)

    async def stop() -> None:
        return None

    return stop


async def run_bot_and_jobs(runtime: Runtime) -> Stop:
    """Embedded mode: the bot and the in-process job runner in this process, on this event loop."""
    runner = attach_job_dispatch(runtime)
    services = BotServices(runtime, role="embedded")
    await services.start()
    runner_task = asyncio.create_task(runner.run()) if runner is not None else None

    async def stop() -> None:
        await services.stop()
        if runner_task is not None:
            runner_task.cancel()
            await asyncio.gather(runner_task, return_exceptions=True)

    return stop


def create_web_app(settings: Settings, *, embedded: bool) -> FastAPI:
    hooks: list[StartHook] = []
    sandbox_app = None
    if settings.sandbox_enabled and not settings.telegram_api_base:
        sandbox_app = build_sandbox(settings)
        hooks.append(_closing(sandbox_app))  # first started, so last stopped: after the bot that talks to it
    hooks.append(run_bot_and_jobs if embedded else dispatch_jobs)
    app = create_app(settings, runtime_factory=build_runtime, on_start=hooks, run_migrations=settings.run_migrations)
    if sandbox_app is not None:
        app.mount("/sandbox", sandbox_app)
    return app


def build_sandbox(settings: Settings) -> FastAPI:
    """The sandbox Telegram, served at /sandbox, its state in the data folder."""
    from sandbox.app import create_sandbox_app

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not settings.is_sandbox_token:
        log.warning("sandbox.initdata_signing_off", reason="TELEGRAM_BOT_TOKEN is not a sandbox token")
    return create_sandbox_app(settings.data_dir / "sandbox.sqlite3", webapp_url_base=f"{settings.base_url}/app",
                              signs_init_data=settings.is_sandbox_token, local_webhooks=True)  # WEBHOOK_URL is local


def _closing(sandbox_app: FastAPI) -> StartHook:
    """A mounted app's lifespan does not run: the host closes the sandbox when it stops."""

    async def start(_runtime: Runtime) -> Stop:
        return sandbox_app.state.sandbox.aclose  # type: ignore[no-any-return]

    return start
