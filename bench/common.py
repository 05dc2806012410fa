"""Shared helpers for the benchmarks: fresh databases, child processes, the timed sandbox, figures.

Every benchmark runs on 127.0.0.1 only, with bounded loops. `--database-url` picks the database:
empty (the default) means a SQLite file in a temporary directory; a PostgreSQL URL names the *server* —
the benchmark creates a fresh database `bench_<pid>_<n>` there, migrates it with the real Alembic
migrations and drops it afterwards (the database named in the URL is only used to connect).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from core.db import migrate  # noqa: E402
from core.db.engine import make_engine  # noqa: E402

BOT_TOKEN = "123456789:BENCH-token-for-secretary"
DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
_db_counter = itertools.count(1)


def add_database_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url", default="",
        help="empty: a fresh SQLite file in a temp dir; postgresql+asyncpg://…: a fresh database bench_<pid>_<n> "
             "is created on that server and dropped afterwards",
    )


async def script_main(doc: str | None, add_arguments: Callable[[argparse.ArgumentParser], None],
                      run: Callable[[str, argparse.Namespace], Awaitable[tuple[bool, Any]]]) -> int:
    """A benchmark script's main: its arguments plus --database-url, the machine, then ``run``; exit 1 on a miss."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_arg(parser)
    add_arguments(parser)
    args = parser.parse_args()
    print(machine_summary())
    ok, _ = await run(args.database_url, args)
    return 0 if ok else 1


def engine_label(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@asynccontextmanager
async def fresh_database(url: str = "") -> AsyncIterator[str]:
    """A freshly migrated database; yields its URL and removes it afterwards."""
    if not url or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="secretary-bench-") as tmp:
            db_url = f"sqlite+aiosqlite:///{Path(tmp, 'bench.db').as_posix()}"
            await _migrate(db_url)
            yield db_url
        return
    server = make_url(url)
    name = f"bench_{os.getpid()}_{next(_db_counter)}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = server.set(database=name).render_as_string(hide_password=False)
    try:
        await _migrate(db_url)
        yield db_url
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def _migrate(url: str) -> None:
    engine = make_engine(url, null_pool=True)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


async def postgres_reachable(url: str = DEFAULT_PG_URL) -> bool:
    engine = create_async_engine(make_url(url), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        await engine.dispose()


async def redis_reachable(url: str = "redis://127.0.0.1:6379/0") -> bool:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=1)
    try:
        return bool(await client.ping())
    except Exception:
        return False
    finally:
        await client.aclose()


# --- child processes --------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Child:
    """A helper process (uvicorn, the bot, the sandbox) that is always stopped, by its own pid."""

    def __init__(self, name: str, argv: Sequence[str], *, env: dict[str, str] | None = None,
                 cwd: Path | None = None) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd or ROOT
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()

    def start(self) -> Child:
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=self._log, stderr=self._log)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None, f"{self.name} is not running"
        return self.proc.pid

    def cpu(self) -> float:
        """CPU seconds used so far by the process and its descendants (uvicorn workers)."""
        return sum(cpu_seconds(pid) for pid in process_tree(self.pid)) if self.alive() else 0.0

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def output_tail(self, chars: int = 3000) -> str:
        """The end of what the process wrote (pread: the child shares the file offset, leave it alone)."""
        fd = self._log.fileno()
        size = os.fstat(fd).st_size
        start = max(0, size - chars * 4)
        return os.pread(fd, size - start, start).decode(errors="replace")[-chars:]

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()
        self.proc = None

    def __enter__(self) -> Child:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


async def wait_http(url: str, child: Child | None = None, within: float = 30.0) -> None:
    """Wait until `url` answers 200 (the child failing meanwhile is reported with its output)."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if child is not None and not child.alive():
                raise RuntimeError(f"{child.name} exited:\n{child.output_tail()}")
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise TimeoutError(f"{url} did not answer in {within:.0f} s"
                       + (f"\n{child.output_tail()}" if child is not None else ""))


@dataclass
class SandboxProc:
    url: str
    child: Child


@asynccontextmanager
async def timed_sandbox(**flood: Any) -> AsyncIterator[SandboxProc]:
    """The sandbox in its own process (bench/servers.py sandbox), recording when each message appears."""
    port = free_port()
    child = Child("sandbox", [sys.executable, str(BENCH_DIR / "servers.py"), "sandbox", "--port", str(port)])
    with child:
        base = f"http://127.0.0.1:{port}"
        await wait_http(f"{base}/sandbox/api/config", child)
        if flood:
            async with httpx.AsyncClient() as client:
                (await client.post(f"{base}/sandbox/api/config", json=flood)).raise_for_status()
        yield SandboxProc(base, child)


async def sandbox_json(base: str, path: str) -> Any:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.get(f"{base}{path}")
        response.raise_for_status()
        return response.json()


# --- figures ------------------------------------------------------------------------------------------------

def quantiles_ms(samples_s: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max of latencies given in seconds, in milliseconds."""
    ms = sorted(s * 1000 for s in samples_s)
    if not ms:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": float("nan")}
    if len(ms) == 1:
        return {"p50": ms[0], "p95": ms[0], "p99": ms[0], "max": ms[0]}
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "max": ms[-1]}


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def machine_summary() -> str:
    mem_gb = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem_gb:.1f} GB RAM, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def bench_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for a product process: this database, quiet logs, no Redis, no .env surprises."""
    env = {
        "DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "LOG_LEVEL": "WARNING",
        "ENVIRONMENT": "test", "SANDBOX": "0", "WEBHOOK_URL": "", "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),  # the code next to this bench, whatever the venv's editable install points at
    }
    env.update(extra)
    return env


def process_tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                pass
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc), 0 if unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def postgres_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL server on this machine (other users' work included): every live
    postgres process, plus what the postmaster's exited backends used (it reaps them)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    pids = set()
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                pids.add(int(comm.parent.name))
        except (OSError, ValueError):
            pass
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
        if int(fields[1]) not in pids:  # the postmaster: add its reaped children
            total += (int(fields[13]) + int(fields[14])) / ticks
    return total


class CpuMeter:
    """Busy share of the whole machine and CPU seconds of given processes over a phase (and of PostgreSQL)."""

    def __init__(self, children: Sequence[Child] = ()) -> None:
        self.children = list(children)
        self._start_pg = postgres_cpu()
        self._start_sys = _system_jiffies()
        self._start_self = time.process_time()
        self._start_children = [c.cpu() for c in self.children]
        self._start_wall = time.monotonic()

    def read(self) -> dict[str, float]:
        busy0, total0 = self._start_sys
        busy1, total1 = _system_jiffies()
        figures = {
            "machine_busy": (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0,
            "wall": time.monotonic() - self._start_wall,
            "this_process": time.process_time() - self._start_self,
            "postgres": postgres_cpu() - self._start_pg,
        }
        for child, start in zip(self.children, self._start_children, strict=True):  # same names add up
            figures[child.name] = figures.get(child.name, 0.0) + child.cpu() - start
        return figures


def _system_jiffies() -> tuple[int, int]:
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0, 0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)
