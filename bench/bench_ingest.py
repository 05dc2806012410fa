"""Webhook ingest: how many updates/s POST /telegram/webhook stores durably (200 only after the commit).

    .venv/bin/python bench/bench_ingest.py                                   # temp SQLite file
    .venv/bin/python bench/bench_ingest.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_ingest.py --processes 2 …                   # two web processes

The real web app (webapp.app.create_app, what `secretary web` serves) runs under uvicorn in its own process on
127.0.0.1 with WEBHOOK_SECRET set — or --processes such processes on their own ports, the client spreading its
connections over them like the load balancer in front of several `secretary web` would (uvicorn's own --workers
share one socket, and the kernel hands long-lived connections to them unevenly). This process is the client:
--connections concurrent aiohttp connections post Telegram-shaped message updates with distinct update_ids
across --chats chats, with the secret header, for --seconds seconds (after a warm-up). Nothing consumes the
inbox meanwhile, so QUEUE_MAX_NEW/TOTAL are raised for the run (otherwise the "overloaded" notice, or a 503,
would kick in once the backlog passes 10,000 — the behaviour we want in production, not what this measures).
At the end the inbox row count must equal the number of 200s: an acknowledged update is a stored update.
"cpu ms/upd" is CPU time per acknowledged update of the web process(es), of this client and of every PostgreSQL
process on the machine. Targets: ≥ 1,500 updates/s on PostgreSQL; and, with --app both (what `make bench` runs),
≥ 0.8× the baseline measured in the same run: a bare FastAPI endpoint (bench/servers.py bare_webhook_app) that
checks the secret and inserts the same inbox row with the same driver, one transaction per request.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    BENCH_DIR,
    Child,
    CpuMeter,
    add_database_arg,
    bench_env,
    engine_label,
    free_port,
    fresh_database,
    machine_summary,
    quantiles_ms,
    verdict,
    wait_http,
)
from core.db.engine import make_engine, make_session_factory  # noqa: E402
from core.queue.models import InboxUpdate  # noqa: E402

SECRET = "bench-webhook-secret"
TARGET_POSTGRES = 1500.0
TARGET_RATIO = 0.8  # of the bare endpoint, same run
FIRST_CHAT = 700_000


@dataclass
class IngestFigures:
    database: str
    processes: int
    connections: int
    app: str = "ours"  # ours: the product's web app; bare: the baseline endpoint
    acked: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    latency: dict[str, float] = field(default_factory=dict)
    stored: int = 0
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.acked / self.seconds if self.seconds else 0.0


def make_update(update_id: int, chat_id: int) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": f"webhook note {update_id}",
        "chat": {"id": chat_id, "type": "private", "first_name": "Bench"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Bench", "language_code": "en"},
    }}


class Sender:
    def __init__(self, urls: list[str], connections: int, chats: int) -> None:
        self.urls = urls
        self.chats = chats
        self.next_id = 1
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections),
                                          headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                                          timeout=aiohttp.ClientTimeout(total=60))

    async def close(self) -> None:
        await self.http.close()

    async def run(self, connections: int, seconds: float, max_updates: int) -> tuple[int, dict[str, int], list[float]]:
        """Post for `seconds` (or until `max_updates`); returns (200s, other outcomes, latencies)."""
        deadline = time.monotonic() + seconds
        acked = 0
        errors: dict[str, int] = {}
        latencies: list[float] = []
        budget = [max_updates]

        async def worker(url: str) -> None:
            nonlocal acked
            while time.monotonic() < deadline and budget[0] > 0:
                budget[0] -= 1
                update_id = self.next_id
                self.next_id += 1
                body = make_update(update_id, FIRST_CHAT + update_id % self.chats)
                started = time.perf_counter()
                try:
                    async with self.http.post(url, json=body) as response:
                        await response.read()
                        status = response.status
                except aiohttp.ClientError as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                latencies.append(time.perf_counter() - started)
                if status == 200:
                    acked += 1
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1

        await asyncio.gather(*(worker(self.urls[i % len(self.urls)]) for i in range(connections)))
        return acked, errors, latencies


async def count_inbox(url: str) -> int:
    engine = make_engine(url, null_pool=True)
    try:
        async with make_session_factory(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(InboxUpdate)) or 0)
    finally:
        await engine.dispose()


def web_child(port: int, env: dict[str, str], workdir: str, app: str = "ours") -> Child:
    factory = "servers:webhook_app" if app == "ours" else "servers:bare_webhook_app"
    return Child("web", [sys.executable, "-m", "uvicorn", "--factory", "--app-dir", str(BENCH_DIR),
                         factory, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
                         "--no-access-log"], env=env, cwd=Path(workdir))


async def run_pair(server_url: str, args: argparse.Namespace) -> list[IngestFigures]:
    """The product's endpoint and the bare baseline, one after the other, each on a fresh database."""
    return [await run(server_url, args, app=app) for app in ("ours", "bare")]


async def run(server_url: str, args: argparse.Namespace, app: str = "ours") -> IngestFigures:
    figures = IngestFigures(engine_label(server_url or "sqlite"), args.processes, args.connections, app)
    ports = [free_port() for _ in range(args.processes)]
    async with fresh_database(server_url) as db_url:
        with tempfile.TemporaryDirectory(prefix="secretary-bench-web-") as workdir, contextlib.ExitStack() as stack:
            env = bench_env(db_url, WEBHOOK_SECRET=SECRET, QUEUE_MAX_NEW="100000000",
                            QUEUE_MAX_TOTAL="100000000", DATA_DIR=workdir)
            servers = [stack.enter_context(web_child(port, env, workdir, app)) for port in ports]
            for port, server in zip(ports, servers, strict=True):
                await wait_http(f"http://127.0.0.1:{port}/health", server, within=60)
            sender = Sender([f"http://127.0.0.1:{port}/telegram/webhook" for port in ports], args.connections,
                            args.chats)
            try:
                warm, errors, _ = await sender.run(args.connections, 30, args.warmup)
                if errors or warm != args.warmup:
                    raise RuntimeError(f"warm-up failed: {warm} acknowledged, {errors}\n{servers[0].output_tail()}")
                meter = CpuMeter(servers)
                started = time.monotonic()
                figures.acked, figures.errors, latencies = await sender.run(args.connections, args.seconds,
                                                                            args.max_updates)
                figures.seconds = time.monotonic() - started
                figures.cpu = meter.read()
            finally:
                await sender.close()
            figures.latency = quantiles_ms(latencies)
            figures.stored = await count_inbox(db_url) - warm
    return figures


def report(results: list[IngestFigures]) -> bool:
    print("\nWebhook ingest (POST /telegram/webhook → inbox row committed → 200)")
    print(f"  {'database':11} {'app':5} {'procs':>5} {'conns':>6} {'updates/s':>10} {'acked':>7} {'stored':>7} "
          f"{'p50':>8} {'p95':>8} {'p99':>8} {'| cpu ms/upd: web':>18} {'client':>7} {'pg':>5} {'busy':>5}  errors")
    ok = True
    for f in results:
        web = f.cpu.get("web", 0) / max(f.acked, 1) * 1000
        client = f.cpu.get("this_process", 0) / max(f.acked, 1) * 1000
        pg = f.cpu.get("postgres", 0) / max(f.acked, 1) * 1000 if f.database == "PostgreSQL" else 0.0
        print(f"  {f.database:11} {f.app:5} {f.processes:5d} {f.connections:6d} {f.rate:10.0f} {f.acked:7d} "
              f"{f.stored:7d} " + " ".join(f"{f.latency[k]:6.1f}ms" for k in ("p50", "p95", "p99"))
              + f" {'|':>3} {web:14.2f} {client:7.2f} {pg:5.2f} {f.cpu.get('machine_busy', 0) * 100:4.0f}%  "
              f"{f.errors or '-'}")
        if f.stored != f.acked:
            ok = False
            print(f"  !! {f.acked} updates acknowledged but {f.stored} stored")
        if f.database == "PostgreSQL" and f.app == "ours":
            met = f.rate >= TARGET_POSTGRES
            ok &= met
            procs = f"{f.processes} web process" + ("es" if f.processes > 1 else "")
            print(f"  target ≥ {TARGET_POSTGRES:.0f} updates/s on PostgreSQL ({procs}): {f.rate:.0f}  {verdict(met)}")
    for f in results:
        bare = next((b for b in results if b.app == "bare" and b.database == f.database
                     and b.processes == f.processes), None)
        if f.app == "ours" and bare is not None and bare.rate:
            met = f.rate >= TARGET_RATIO * bare.rate
            ok &= met
            print(f"  target ≥ {TARGET_RATIO}× the bare endpoint ({f.database}, same run): {f.rate:.0f} / "
                  f"{bare.rate:.0f} = {f.rate / bare.rate:.2f}×  {verdict(met)}")
    return ok


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--connections", type=int, default=64, help="concurrent client connections")
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the measured phase")
    parser.add_argument("--max-updates", type=int, default=200_000, help="stop earlier after this many")
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--processes", type=int, default=1, help="web processes (each `secretary web`)")
    parser.add_argument("--app", choices=("ours", "bare", "both"), default="both",
                        help="the product's endpoint, the bare baseline, or both (the ratio target)")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_arg(parser)
    add_arguments(parser)
    args = parser.parse_args()
    print(machine_summary())
    apps = ("ours", "bare") if args.app == "both" else (args.app,)
    figures = [await run(args.database_url, args, app=app) for app in apps]
    return 0 if report(figures) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
