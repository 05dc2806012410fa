"""create_app(): the FastAPI app with lifespan-built runtime; in embedded mode it also runs the bot and the
in-process job runner, and mounts the sandbox and the Mini App front end."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import structlog
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from core.config import Settings, get_settings
from core.db import migrate
from core.runtime import Runtime, build_runtime
from webapp import admin, telegram_webhook
from webapp.api import auth
from webapp.api.v1 import me
from webapp.errors import install_error_handlers
from webapp.metrics import build_registry

log = structlog.get_logger(__name__)
FRONTEND_DIST = Path(__file__).parent / "frontend" / "dist"


def _attach_job_dispatch(runtime: Runtime) -> object | None:
    """Celery when Redis is configured; otherwise the in-process runner (returned, to be started)."""
    if runtime.settings.distributed:
        from worker.celery_app import celery_dispatcher, current_app

        runtime.dispatch_jobs = celery_dispatcher(current_app(runtime.settings))
        return None
    from worker.inprocess import InProcessRunner

    runner = InProcessRunner(runtime)
    runner.attach()
    return runner


def create_app(settings: Settings | None = None, *, embedded: bool = False, run_migrations: bool = True,
               runtime: Runtime | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = runtime or await build_runtime(settings)
        if run_migrations:
            await migrate.upgrade(rt.engine)
        app.state.runtime = rt
        tasks: list[asyncio.Task[None]] = []
        services = None
        runner = _attach_job_dispatch(rt)
        if embedded:
            from bot.service import BotServices

            services = BotServices(rt, role="embedded")
            await services.start()
            if runner is not None:
                tasks.append(asyncio.create_task(runner.run()))  # type: ignore[attr-defined]
        gc.collect()
        gc.freeze()  # startup objects never need collecting: fewer, shorter GC pauses on every request
        try:
            yield
        finally:
            if services is not None:
                await services.stop()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if (sandbox_app := getattr(app.state, "sandbox_app", None)) is not None:
                await sandbox_app.state.sandbox.aclose()
            if runtime is None:
                await rt.close()

    app = FastAPI(title="Secretary", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.metrics_registry = build_registry()
    install_error_handlers(app)
    app.include_router(admin.router)
    app.include_router(telegram_webhook.router)
    app.include_router(auth.router)
    app.include_router(me.router)
    _include_app_routers(app)
    if settings.sandbox_enabled and not settings.telegram_api_base:
        from sandbox.app import create_sandbox_app

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        sandbox_app = create_sandbox_app(
            settings.data_dir / "sandbox.sqlite3", webapp_url_base=f"{settings.base_url}/app"
        )
        app.state.sandbox_app = sandbox_app
        app.mount("/sandbox", sandbox_app)
    if FRONTEND_DIST.is_dir():
        app.mount("/app", StaticFiles(directory=FRONTEND_DIST, html=True), name="miniapp")
    return app


def _include_app_routers(app: FastAPI) -> None:
    """Every app's HTTP API, composed in one place."""
    from webapp.api import calendar
    from webapp.api.v1 import minis

    app.include_router(minis.router)
    app.include_router(calendar.router)
