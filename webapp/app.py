"""create_app(): the FastAPI app — its routers, error handlers and a lifespan that builds (or is given) the runtime.

What else a process runs beside the HTTP API (the bot and the job runner in embedded mode, the sandbox) is not known
here: the composition root (``secretary.web``) passes it in as start-up hooks and mounts.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import structlog
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from core.config import Settings, get_settings
from core.db import migrate
from core.runtime import Runtime, build_runtime
from webapp import admin, telegram_webhook
from webapp.api import auth, calendar, documents_admin, journal_downloads
from webapp.api.v1 import (
    documents,
    items,
    journal,
    journal_ai,
    journal_config,
    journal_proposals,
    journal_search,
    journal_stream,
    me,
    minis,
    transcribe,
)
from webapp.errors import install_error_handlers
from webapp.limits import BodyLimitMiddleware, route_limits
from webapp.metrics import build_registry, instrument
from webapp.openapi import install_openapi

log = structlog.get_logger(__name__)
FRONTEND_DIST = Path(__file__).parent / "frontend" / "dist"

RuntimeFactory = Callable[[Settings], Awaitable[Runtime]]
Stop = Callable[[], Awaitable[None]]
StartHook = Callable[[Runtime], Awaitable[Stop]]  # started with the app; what it returns is awaited at shutdown


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None,
               runtime_factory: RuntimeFactory = build_runtime, run_migrations: bool = True,
               on_start: Sequence[StartHook] = ()) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = runtime or await runtime_factory(settings)
        if run_migrations:
            await migrate.upgrade(rt.engine)
        app.state.runtime = rt
        stops: list[Stop] = []
        for start in on_start:
            stops.append(await start(rt))
        # start-up objects never need collecting: fewer, shorter GC pauses on every request. Frozen without a full
        # collection first (0.17 s of the start, for the few thousand objects of import-time cycles it would free)
        gc.freeze()
        try:
            yield
        finally:
            for stop in reversed(stops):
                await stop()
            if runtime is None:
                await rt.close()

    app = FastAPI(title="Secretary", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.metrics_registry = build_registry()
    install_error_handlers(app)
    instrument(app)
    limits, default_limit = route_limits(settings), settings.api_max_body_bytes
    app.add_middleware(BodyLimitMiddleware, limits=limits, default=default_limit, routes=app.router.routes)
    body_limits = BodyLimitMiddleware(app.router, limits=limits, default=default_limit, routes=app.router.routes)
    install_openapi(app, limit_for=body_limits.limit_for)  # the document lists 413 where the middleware refuses
    # every router, composed in one place
    app.include_router(admin.router)
    app.include_router(telegram_webhook.router)
    app.include_router(auth.router)
    app.include_router(me.router)
    app.include_router(minis.router)
    app.include_router(documents.router)
    app.include_router(documents_admin.router)
    app.include_router(items.router)
    app.include_router(journal_stream.router)  # before journal: /entries/stream is not an /entries/{id}
    app.include_router(journal.router)
    app.include_router(journal_config.router)
    app.include_router(journal_ai.router)
    app.include_router(journal_search.router)
    app.include_router(journal_proposals.router)
    app.include_router(journal_downloads.router)
    app.include_router(transcribe.router)
    app.include_router(calendar.router)
    if FRONTEND_DIST.is_dir():  # the Mini App front end, once built (``make frontend``)
        app.mount("/app", StaticFiles(directory=FRONTEND_DIST, html=True), name="miniapp")
    return app
