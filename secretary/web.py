"""The web process: the FastAPI app, and in embedded mode everything else beside it (the bot, the in-process job
runner, the sandbox Telegram)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from html import escape

import structlog
import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse

from core.config import Settings
from core.runtime import Runtime
from secretary.bot import BotServices
from secretary.runtime import JOBS_GRACE_SECONDS, attach_job_dispatch, build_runtime
from webapp.app import StartHook, Stop, create_app

log = structlog.get_logger(__name__)
GRACEFUL_SHUTDOWN_SECONDS = 1  # what a request still running at Ctrl-C gets; the long polls end before (Serving)


class Serving:
    """What only the server knows, told to the app: it listens now (so the bot may call the sandbox this process
    serves), and it is about to stop (so the long polls end first and stopping never waits for them). ASGI's lifespan
    cannot say either: its start-up ends before the server listens, its shutdown begins once every connection is
    closed."""

    def __init__(self) -> None:
        self.listening = asyncio.Event()
        self.before_stop: list[Stop] = []  # run in reverse order of registration


class WebServer(uvicorn.Server):
    """uvicorn's server for an app of `create_web_app`: tells it when it listens (then `on_ready`, e.g. print the
    URLs) and before it stops; a stop on Ctrl-C or SIGTERM that went well exits 0."""

    def __init__(self, app: FastAPI, settings: Settings, on_ready: Callable[[], None] = lambda: None) -> None:
        super().__init__(uvicorn.Config(app, host=settings.web_host, port=settings.web_port, lifespan="on",
                                        log_level=settings.log_level.lower(), access_log=False,
                                        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS))
        self.serving: Serving = app.state.serving
        self.on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            self.serving.listening.set()
            self.on_ready()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for stop in reversed(self.serving.before_stop):
            await stop()
        await super().shutdown(sockets)
        if not self.force_exit:
            self._captured_signals.clear()  # stopped as asked, and cleanly: exit 0 rather than die again by it


async def dispatch_jobs(runtime: Runtime) -> Stop:
    """`secretary web`: jobs go to Celery (distributed) or wait in the database for a bot process's runner."""
    attach_job_dispatch(runtime)

    async def stop() -> None:
        return None

    return stop


def run_bot_and_jobs(serving: Serving) -> StartHook:
    """Embedded mode: the bot and the in-process job runner in this process, on this event loop. The bot takes
    updates once the server listens (its Bot API may be the sandbox mounted here) and stops taking them first."""

    async def start(runtime: Runtime) -> Stop:
        runner = attach_job_dispatch(runtime)
        services = BotServices(runtime, role="embedded", ingress_after=serving.listening)
        await services.start()
        serving.before_stop.append(services.stop_ingress)
        runner_task = asyncio.create_task(runner.run()) if runner is not None else None

        async def stop() -> None:
            await services.stop()
            if runner is not None and runner_task is not None:
                await runner.stop(grace=JOBS_GRACE_SECONDS)
                await asyncio.gather(runner_task, return_exceptions=True)

        return stop

    return start


def create_web_app(settings: Settings, *, embedded: bool) -> FastAPI:
    """The app of `secretary run` (embedded) and `secretary web`; serve it with `WebServer`."""
    serving = Serving()
    hooks: list[StartHook] = []
    sandbox_app = None
    if settings.sandbox_enabled and not settings.telegram_api_base:
        sandbox_app = build_sandbox(settings)
        hooks.append(_closing(sandbox_app, serving))  # first started, so last stopped: after the bot that talks to it
    hooks.append(run_bot_and_jobs(serving) if embedded else dispatch_jobs)
    app = create_app(settings, runtime_factory=build_runtime, on_start=hooks, run_migrations=settings.run_migrations)
    app.state.serving = serving
    if embedded:
        _add_index(app, settings, sandbox=sandbox_app is not None)
    if sandbox_app is not None:
        app.mount("/sandbox", sandbox_app)
    return app


def _add_index(app: FastAPI, settings: Settings, *, sandbox: bool) -> None:
    """`/` of `secretary run`: the sandbox chat when there is one, else a page of what runs where."""
    if sandbox:
        @app.get("/", include_in_schema=False)
        async def to_sandbox() -> RedirectResponse:
            return RedirectResponse("/sandbox/")
        return
    links = "".join(f'<li><a href="{escape(path)}">{escape(path)}</a> {escape(what)}</li>' for path, what in (
        ("/app/", "the Mini App (opened from the bot in Telegram)"), ("/health", "health"),
        ("/admin/stats", "admin stats (Authorization: Bearer ADMIN_TOKEN)"), ("/docs", "the HTTP API")))
    page = (f"<!doctype html><meta charset=utf-8><title>Secretary</title><h1>Secretary</h1>"
            f"<p>The bot runs in this process; talk to it in Telegram (@{escape(settings.bot_username)}).</p>"
            f"<ul>{links}</ul>")

    @app.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(page)


def build_sandbox(settings: Settings) -> FastAPI:
    """The sandbox Telegram, served at /sandbox, its state in the data folder."""
    from sandbox.app import create_sandbox_app

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not settings.is_sandbox_token:
        log.warning("sandbox.initdata_signing_off", reason="TELEGRAM_BOT_TOKEN is not a sandbox token")
    return create_sandbox_app(settings.data_dir / "sandbox.sqlite3", webapp_url_base=f"{settings.base_url}/app",
                              signs_init_data=settings.is_sandbox_token, local_webhooks=True)  # WEBHOOK_URL is local


def _closing(sandbox_app: FastAPI, serving: Serving) -> StartHook:
    """A mounted app's lifespan does not run: the host closes the sandbox when it stops, and ends its long polls
    before (the bot's, or another process's polling it) so that the server need not wait for them."""

    async def start(_runtime: Runtime) -> Stop:
        sandbox = sandbox_app.state.sandbox

        async def end_long_polls() -> None:
            sandbox.end_long_polls()

        serving.before_stop.append(end_long_polls)
        return sandbox.aclose  # type: ignore[no-any-return]

    return start
