"""Latency of the Minis API with 1,000 types: GET /api/v1/types and POST …/move, p50/p95/p99.

    .venv/bin/python bench/bench_minis_api.py                        # temp SQLite file, in-process ASGI
    .venv/bin/python bench/bench_minis_api.py --uvicorn              # … and over real HTTP (uvicorn, 127.0.0.1)
    .venv/bin/python bench/bench_minis_api.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test

The database is migrated to head; the bench user's rows are replaced on every run (other users' rows are
left alone). Targets: p95 ≤ 20 ms for the list, ≤ 15 ms for a move. Figures are milliseconds; "cpu" is
this process's CPU time per request (client included; for in-process SQLite, the database too), which
shows the cost apart from waiting on a busy machine.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import delete

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere, or imported by uvicorn with --app-dir bench
    sys.path.insert(0, str(ROOT))

from core.config import Settings  # noqa: E402
from core.db import migrate  # noqa: E402
from core.db.engine import make_engine, make_session_factory  # noqa: E402
from core.minis import repository  # noqa: E402
from core.minis.rules import Stage, name_key  # noqa: E402
from core.runtime import Runtime  # noqa: E402
from core.users.models import User  # noqa: E402
from tests.fakes.initdata import tma_header  # noqa: E402
from webapp.api.v1.minis import router  # noqa: E402
from webapp.errors import install_error_handlers  # noqa: E402

BOT_TOKEN = "123456789:BENCH-token-for-minis"
USER_ID = 777_000_777
URL_ENV = "MINIS_BENCH_DATABASE_URL"
FREEZE_ENV = "MINIS_BENCH_GC_FREEZE"
TARGETS_MS = {"GET /api/v1/types": 20.0, "POST /api/v1/types/{id}/move": 15.0}


def _settings(url: str) -> Settings:
    return Settings(_env_file=None, environment="test", database_url=url,  # type: ignore[call-arg]
                    telegram_bot_token=BOT_TOKEN, redis_url="", jwt_signing_key="bench-jwt-key-0123456789abcdef",
                    master_encryption_key="bench-master-key")


def build_app(runtime: Runtime) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.runtime = runtime
    return app


def app_factory() -> FastAPI:
    """For `uvicorn --factory`: the runtime is built in the lifespan, from MINIS_BENCH_DATABASE_URL."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings = _settings(os.environ[URL_ENV])
        engine = make_engine(settings.effective_database_url)
        app.state.runtime = Runtime(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                                    redis=None)
        if os.environ.get(FREEZE_ENV):
            gc.collect()
            gc.freeze()
        yield
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)
    install_error_handlers(app)
    app.include_router(router)
    return app


async def seed(url: str, types: int) -> int:
    """Migrate, replace the bench user's collection with `types` types; returns the id of the one to move."""
    engine = make_engine(url, null_pool=True)
    await migrate.upgrade(engine)
    async with make_session_factory(engine)() as session:
        await session.execute(delete(User).where(User.id == USER_ID))  # cascades to the user's types
        session.add(User(id=USER_ID, first_name="Bench"))
        await session.flush()
        names = {f"Army {i:04d} — kit {i * 7919 % 1000}": {Stage.IN_BOX: i % 50, Stage.PAINTING: i % 7,
                                                          Stage.DONE: i % 3} for i in range(types)}
        names["Zz moving target"] = {Stage.IN_BOX: 1_000_000}
        created = await repository.insert_types(
            session, USER_ID, {name_key(name): (name, counts) for name, counts in names.items()}
        )
        assert created is not None
        await session.commit()
    await engine.dispose()
    return created[name_key("Zz moving target")].id


async def measure(label: str, call: Callable[[], Awaitable[httpx.Response]], requests: int) -> dict[str, float]:
    for _ in range(min(20, requests)):  # warm-up: connections, statement caches
        (await call()).raise_for_status()
    samples = []
    cpu_started = time.process_time()
    for _ in range(requests):
        started = time.perf_counter()
        response = await call()
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    cpu = (time.process_time() - cpu_started) * 1000 / requests
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "mean": statistics.fmean(samples), "cpu": cpu}


async def run_suite(client: httpx.AsyncClient, type_id: int, requests: int, types: int) -> list[tuple[str, dict]]:
    headers = tma_header(BOT_TOKEN, USER_ID, first_name="Bench")
    listed = await client.get("/api/v1/types", headers=headers)
    listed.raise_for_status()
    assert len(listed.json()) == types + 1, len(listed.json())
    move = {"from_stage": "IN_BOX", "to_stage": "BUILDING", "qty": 1}
    return [
        ("GET /api/v1/types", await measure("list", lambda: client.get("/api/v1/types", headers=headers), requests)),
        ("GET /api/v1/types?q=kit 42", await measure(
            "search", lambda: client.get("/api/v1/types", params={"q": "kit 42"}, headers=headers), requests)),
        ("POST /api/v1/types/{id}/move", await measure(
            "move", lambda: client.post(f"/api/v1/types/{type_id}/move", json=move, headers=headers), requests)),
    ]


def report(title: str, results: list[tuple[str, dict]]) -> bool:
    print(f"\n{title}")
    print(f"  {'endpoint':34} {'p50':>8} {'p95':>8} {'p99':>8} {'mean':>8} {'cpu':>8}   target p95")
    ok = True
    for label, figures in results:
        target = TARGETS_MS.get(label)
        verdict = ""
        if target is not None:
            passed = figures["p95"] <= target
            ok &= passed
            verdict = f"≤ {target:.0f} ms {'MET' if passed else 'MISSED'}"
        print(f"  {label:34} " + " ".join(f"{figures[k]:7.2f}m" for k in ("p50", "p95", "p99", "mean", "cpu"))
              + f"   {verdict}")
    return ok


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def bench_in_process(url: str, type_id: int, requests: int, types: int, freeze: bool) -> bool:
    if freeze:
        gc.collect()
        gc.freeze()
    settings = _settings(url)
    engine = make_engine(url)
    runtime = Runtime(settings=settings, engine=engine, session_factory=make_session_factory(engine), redis=None)
    transport = httpx.ASGITransport(app=build_app(runtime))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            results = await run_suite(client, type_id, requests, types)
    finally:
        await engine.dispose()
    return report("in-process (httpx ASGITransport)", results)


async def bench_uvicorn(url: str, type_id: int, requests: int, types: int, freeze: bool) -> bool:
    port = _free_port()
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, before any measurement
        [sys.executable, "-m", "uvicorn", "--factory", "--app-dir", str(ROOT / "bench"), "bench_minis_api:app_factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"],
        env={**os.environ, URL_ENV: url, FREEZE_ENV: "1" if freeze else ""}, cwd=ROOT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    await client.get("/api/v1/types")  # 401: the server is up
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("uvicorn did not start") from None
                    await asyncio.sleep(0.1)
            results = await run_suite(client, type_id, requests, types)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return report(f"uvicorn over HTTP on 127.0.0.1:{port} (one worker)", results)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="default: a SQLite file in a temporary directory")
    parser.add_argument("--types", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--uvicorn", action="store_true", help="also measure over real HTTP (uvicorn subprocess)")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() once started, as a tuned server would: no full-heap GC pauses")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp, 'bench.db').as_posix()}"
        print(f"database: {make_engine(url).url.render_as_string(hide_password=True)}; {args.types} types; "
              f"{args.requests} requests per endpoint, one after another; gc.freeze: {args.gc_freeze}")
        type_id = await seed(url, args.types)
        ok = await bench_in_process(url, type_id, args.requests, args.types, args.gc_freeze)
        if args.uvicorn:
            ok &= await bench_uvicorn(url, type_id, args.requests, args.types, args.gc_freeze)
    print("\nall targets met" if ok else "\nsome targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
