"""The `secretary` command: run, web, bot, worker, beat, sandbox, asr, migrate, rotate-keys, parse-date."""

from __future__ import annotations

import asyncio
import ctypes
import gc
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from core import aio
from core.config import Settings, get_settings, stored_secret
from core.logging import configure_logging

app = typer.Typer(help="Secretary: a Telegram-first personal secretary.", no_args_is_help=True)
_M_ARENA_MAX = -8  # glibc's mallopt parameter
console = Console(stderr=True)


@app.callback()
def _process() -> None:
    """Before any command: at most two malloc arenas (see _limit_malloc_arenas)."""
    _limit_malloc_arenas()


def _limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives threads that allocate their own malloc arenas (up to eight per core), and each keeps the memory
    freed in it; the database driver's and the event loop's threads are many. Two arenas: `secretary run` held 247
    instead of 257 MB after 10,000 notes (bench/bench_start.py). MALLOC_ARENA_MAX, when set, is left to glibc."""
    if sys.platform != "linux" or "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, arenas)
    except (OSError, AttributeError):  # not glibc (musl has no arenas to limit)
        pass


def _settings(port: int | None = None) -> Settings:
    settings = get_settings()
    if port is not None:
        settings = settings.model_copy(update={"web_port": port})
    configure_logging(settings.log_level, settings.log_json)
    return settings


@contextmanager
def _importing() -> Iterator[None]:
    """The product's modules imported with the cyclic GC paused: they allocate much and free little, and the GC
    passes over them took a sixth of the imports (2.5 → 2.1 s). The start-up then freezes them (gc.freeze)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _serve(settings: Settings, *, embedded: bool, on_ready: Callable[[], None] = lambda: None) -> None:
    with _importing():
        from secretary.web import WebServer, create_web_app

        app = create_web_app(settings, embedded=embedded)
    WebServer(app, settings, on_ready).run()


@app.command()
def run(port: Annotated[int | None, typer.Option(help="Port (default WEB_PORT, 8000)")] = None) -> None:
    """Everything in one process: web app, bot, in-process worker (and the sandbox when no token is set); prints
    its URLs once it listens. An empty ADMIN_TOKEN is generated into DATA_DIR/admin.token (this mode only)."""
    settings = _settings(port)
    if not settings.admin_token:
        settings = settings.model_copy(update={"admin_token": stored_secret(settings.data_dir, "admin_token")})
    base = f"http://{settings.web_host}:{settings.web_port}"

    def ready() -> None:
        console.print(f"[bold]Secretary[/bold] (embedded) is ready on {base}")
        if settings.sandbox_enabled and not settings.telegram_api_base:
            console.print(f"  sandbox chat: {base}/sandbox/  (also {base}/)")
            if not settings.is_sandbox_token:
                console.print("  [yellow]sandbox Mini App signing is off: TELEGRAM_BOT_TOKEN is a real token "
                              "(a sandbox token is none, or one whose secret part starts with SANDBOX)[/yellow]")
        console.print(f"  Mini App:     {base}/app/")
        console.print(f"  health:       {base}/health")
        console.print(f"  admin stats:  {base}/admin/stats  (Authorization: Bearer {settings.admin_token})",
                      soft_wrap=True)
        console.print(f"  database:     {settings.effective_database_url.split('@')[-1]}")
        console.print("  Ctrl-C stops it.")

    _serve(settings, embedded=True, on_ready=ready)


@app.command()
def web(port: Annotated[int | None, typer.Option()] = None) -> None:
    """The web app alone (API, webhook, admin, Mini App)."""
    _serve(_settings(port), embedded=False)


@app.command()
def bot(no_ingress: Annotated[bool, typer.Option(
        "--no-ingress", help="Consume only: no polling and no setWebhook. Run one `secretary bot` with ingress "
        "(or the webhook in `secretary web`) and as many of these as there are cores; on PostgreSQL.")] = False,
        ) -> None:
    """The bot alone: ingress (polling or webhook registration), inbox consumers, outbox sender."""
    settings = _settings()
    if no_ingress and settings.is_sqlite:
        console.print("[red]--no-ingress is for PostgreSQL: SQLite has one writer, more processes only queue on it."
                      "[/red]")
        raise typer.Exit(2)

    async def main() -> None:
        with _importing():
            from core.db import migrate
            from secretary import metrics
            from secretary.bot import BotServices
            from secretary.runtime import JOBS_GRACE_SECONDS, attach_job_dispatch, build_runtime

        metrics.serve(settings.web_host, settings.bot_metrics_port)
        runtime = await build_runtime(settings)
        if settings.run_migrations:
            await migrate.upgrade(runtime.engine)
        runner = attach_job_dispatch(runtime)
        services = BotServices(runtime, ingress=not no_ingress)
        await services.start()
        gc.freeze()  # start-up objects never need collecting: fewer, shorter GC pauses per update (webapp.app)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        runner_task = asyncio.create_task(runner.run()) if runner is not None else None
        await stop.wait()
        await services.stop()
        if runner is not None and runner_task is not None:
            await runner.stop(grace=JOBS_GRACE_SECONDS)
            await asyncio.gather(runner_task, return_exceptions=True)
        await runtime.close()

    aio.run(main())


@app.command()
def worker(concurrency: Annotated[int, typer.Option()] = 2,
           pool: Annotated[str, typer.Option(help="prefork, threads or solo")] = "prefork") -> None:
    """A Celery worker (needs REDIS_URL)."""
    settings = _settings()
    if not settings.redis_url:
        console.print("[red]REDIS_URL is not set; in embedded mode `secretary run` runs the jobs itself.[/red]")
        raise typer.Exit(2)
    from secretary import metrics

    if settings.worker_metrics_port:
        metrics.prepare_multiprocess(settings.data_dir / f"metrics-worker-{settings.worker_metrics_port}")
    from secretary.runtime import build_worker_runtime
    from worker.celery_app import current_app

    metrics.serve_multiprocess(settings.web_host, settings.worker_metrics_port)
    current_app(settings, runtime_factory=build_worker_runtime).worker_main(
        ["worker", f"--concurrency={concurrency}", f"--pool={pool}", "--loglevel=INFO", "-E"])


@app.command()
def beat() -> None:
    """Celery beat: runs the sweeper every 10 s (needs REDIS_URL)."""
    settings = _settings()
    if not settings.redis_url:
        console.print("[red]REDIS_URL is not set.[/red]")
        raise typer.Exit(2)
    from secretary.runtime import build_runtime
    from worker.celery_app import current_app

    schedule = f"--schedule={settings.data_dir}/celerybeat-schedule"
    current_app(settings, runtime_factory=build_runtime).start(["beat", "--loglevel=INFO", schedule])


@app.command()
def sandbox(port: Annotated[int, typer.Option()] = 8081,
            host: Annotated[str, typer.Option()] = "127.0.0.1",
            data_dir: Annotated[Path | None, typer.Option(
                help="Folder of the state file (default: DATA_DIR, which is ./data of the working directory)")] = None,
            local_webhooks: Annotated[bool, typer.Option(
                help="Accept setWebhook to any http(s) URL; off, a webhook must be what Telegram accepts")] = True,
            ) -> None:
    """The sandbox Telegram Bot API alone; point a bot at it with TELEGRAM_API_BASE=http://HOST:PORT.

    Its state (chats, messages, files, webhooks) is written to DATA_DIR/sandbox-PORT.sqlite3, DATA_DIR being ./data
    of the working directory unless the DATA_DIR setting or --data-dir names another folder.
    """
    settings = _settings()
    from sandbox.app import run_standalone

    folder = data_dir or settings.data_dir
    folder.mkdir(parents=True, exist_ok=True)
    state_file = folder / f"sandbox-{port}.sqlite3"
    console.print(f"sandbox on http://{host}:{port}/sandbox/  (Bot API base http://{host}:{port})")
    console.print(f"  state in {state_file}")
    run_standalone(port, host=host, state_file=state_file, local_webhooks=local_webhooks)


@app.command()
def asr(port: Annotated[int, typer.Option(help="Port")] = 8001,
        host: Annotated[str | None, typer.Option(help="Interface (default WEB_HOST)")] = None) -> None:
    """The transcription service alone (GET /health, POST /transcribe), with the platform's STT provider; point the
    workers at it with ASR_URL=http://HOST:PORT. It needs no database."""
    import uvicorn

    from webapp.asr import create_asr_app

    settings = _settings()
    bind = host or settings.web_host
    console.print(f"transcription service on http://{bind}:{port}  (POST /transcribe, GET /health)")
    uvicorn.run(create_asr_app(settings), host=bind, port=port, log_level=settings.log_level.lower(),
                access_log=False)


@app.command()
def migrate() -> None:
    """Apply database migrations (alembic upgrade head)."""
    settings = _settings()

    async def main() -> None:
        from core.db import migrate as m
        from core.db.engine import make_engine

        engine = make_engine(settings.effective_database_url, null_pool=True)
        await m.upgrade(engine)
        await engine.dispose()

    asyncio.run(main())
    console.print("migrations applied")


@app.command("rotate-keys")
def rotate_keys() -> None:
    """Re-encrypt every stored secret (users' API keys, Google tokens, feed tokens) under the current master key.

    Set the new MASTER_ENCRYPTION_KEY with a higher MASTER_ENCRYPTION_KEY_VERSION and keep the old key in
    MASTER_ENCRYPTION_PREVIOUS_KEYS ("1:old-key") until this reports nothing unreadable."""
    settings = _settings()

    async def main() -> int:
        from core.crypto import SecretBox
        from core.db.engine import make_engine, make_session_factory
        from core.secrets.rotation import rotate_all

        engine = make_engine(settings.effective_database_url, null_pool=True)
        try:
            async with make_session_factory(engine)() as session:
                report = await rotate_all(session, SecretBox.from_settings(settings))
                await session.commit()
        finally:
            await engine.dispose()
        for kind, count in sorted(report.rotated.items()):
            console.print(f"  re-encrypted {count} × {kind}")
        for kind, count in sorted(report.unreadable.items()):
            console.print(f"  [red]unreadable {count} × {kind}[/red] (their key version is not configured)")
        console.print(f"{report.total_rotated} secrets now under key version {report.key_version}; "
                      f"{report.total_unreadable} unreadable")
        return 1 if report.total_unreadable else 0

    raise typer.Exit(asyncio.run(main()))


@app.command("parse-date")
def parse_date(text: str, now: Annotated[str | None, typer.Option(help="ISO moment (default: now)")] = None,
               tz: Annotated[str, typer.Option(help="IANA time zone")] = "Europe/Moscow") -> None:
    """Parse a RU/EN date/time phrase; prints one JSON object."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from core.dates import parse

    try:
        zone = ZoneInfo(tz)
        moment = datetime.fromisoformat(now) if now else datetime.now(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(parse(text, moment, tz).to_contract(), ensure_ascii=False))


if __name__ == "__main__":
    app()
