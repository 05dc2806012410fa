"""Start and memory of `secretary run` (issue 17, target 6): /health 200 within 3 s of start on an existing database,
resident memory after start ≤ 200 MB, and after 10,000 notes ≤ 250 MB.

    .venv/bin/python bench/bench_start.py                                   # temp SQLite file
    .venv/bin/python bench/bench_start.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_start.py --notes 2000                      # fewer notes (the target names 10,000)

`secretary run` is the one-process product (web app, bot, in-process worker, the embedded sandbox Telegram) on its
defaults: offline AI provider, no Redis. The database is made and migrated by a first start (not measured); then the
process is started --starts times on that existing database and the seconds from spawn to the first 200 of /health
are taken (the target reads the slowest). Memory is the resident set (VmRSS) of the process and its descendants,
read from /proc, right after /health answers, and again after --notes notes were sent through the sandbox's control
API from --chats chats and every one was answered (the outbox limits raised so that Telegram's pace does not make
the run long: memory, not speed, is measured here).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    Child,
    engine_label,
    free_port,
    fresh_database,
    process_tree,
    script_main,
    verdict,
    wait_http,
)

TARGET_START_S = 3.0
TARGET_RSS_START_MB = 200.0
TARGET_RSS_NOTES_MB = 250.0
TARGET_NOTES = 10_000


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB."""
    total_kb = 0
    for each in process_tree(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            pass
    return total_kb / 1024


def product(db_url: str, data_dir: str, port: int) -> Child:
    env = {"DATABASE_URL": db_url, "DATA_DIR": data_dir, "WEB_PORT": str(port), "TELEGRAM_BOT_TOKEN": "",
           "TELEGRAM_API_BASE": "", "SANDBOX": "", "REDIS_URL": "", "WEBHOOK_URL": "", "LOG_LEVEL": "WARNING",
           "AI_PROVIDER": "local", "PYTHONPATH": str(ROOT), "OUTBOX_GLOBAL_RATE": "100000",
           "OUTBOX_CHAT_RATE": "10000", "OUTBOX_CHAT_BURST": "10000"}
    return Child("secretary run", [sys.executable, "-m", "secretary.cli", "run", "--port", str(port)], env=env)


async def timed_start(db_url: str, data_dir: str) -> tuple[float, float, Child, str]:
    """Spawn `secretary run`; seconds until /health is 200, its RSS then; the running child and its base URL."""
    port = free_port()
    child = product(db_url, data_dir, port)
    started = time.monotonic()
    child.start()
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_http(f"{base}/health", child, within=60)
    except BaseException:
        child.stop()
        raise
    return time.monotonic() - started, rss_mb(child.pid), child, base


async def send_notes(base: str, notes: int, chats: int, connections: int) -> float:
    """Post the notes, then wait until every chat has all its answers; returns the seconds it took."""
    per_chat = -(-notes // chats)
    started = time.monotonic()
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    for n in range(per_chat):
        for chat in range(chats):
            if n * chats + chat < notes:
                queue.put_nowait((910_000 + chat, n))

    async with httpx.AsyncClient(base_url=f"{base}/sandbox/api", timeout=30) as http:
        async def poster() -> None:
            while not queue.empty():
                chat, n = queue.get_nowait()
                body = {"chat_id": chat, "text": f"заметка {n}: купить батарейки для пульта", "language_code": "ru"}
                (await http.post("/messages", json=body)).raise_for_status()

        await asyncio.gather(*(poster() for _ in range(connections)))
        deadline = time.monotonic() + max(600.0, notes / 5)
        for chat in range(chats):
            expected = sum(1 for n in range(per_chat) if n * chats + chat < notes)
            while True:
                messages = (await http.get(f"/chats/{910_000 + chat}/messages")).json()
                answered = sum(1 for m in messages if m["from_bot"])
                if answered >= expected:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"chat {chat}: {answered} of {expected} notes answered")
                await asyncio.sleep(0.5)
    return time.monotonic() - started


async def run(server_url: str, args: argparse.Namespace) -> tuple[bool, dict[str, float]]:
    label = engine_label(server_url)
    async with fresh_database(server_url) as db_url:
        with tempfile.TemporaryDirectory(prefix="secretary-bench-start-") as data_dir:
            first, _, child, _ = await timed_start(db_url, data_dir)  # makes the data folder's keys, warms caches
            child.stop()
            starts, rss_start = [], 0.0
            for _ in range(args.starts):
                seconds, rss, child, base = await timed_start(db_url, data_dir)
                starts.append(seconds)
                rss_start = max(rss_start, rss)
                child.stop()
            _, _, child, base = await timed_start(db_url, data_dir)
            try:
                took = await send_notes(base, args.notes, args.chats, args.connections)
                rss_notes = rss_mb(child.pid)
            finally:
                child.stop()
    slowest = max(starts)
    start_ok = slowest <= TARGET_START_S
    rss_ok = rss_start <= TARGET_RSS_START_MB
    notes_ok = rss_notes <= TARGET_RSS_NOTES_MB and args.notes >= TARGET_NOTES
    print(f"\nsecretary run on {label}, an existing database (the first start, {first:.2f} s, made it)")
    print(f"  start → /health 200 over {args.starts} starts: "
          + ", ".join(f"{s:.2f}" for s in starts) + f" s; slowest {slowest:.2f} s   target ≤ {TARGET_START_S:.0f} s "
          + verdict(start_ok))
    print(f"  resident memory after start: {rss_start:.0f} MB   target ≤ {TARGET_RSS_START_MB:.0f} MB "
          + verdict(rss_ok))
    size_note = "" if args.notes >= TARGET_NOTES else f" (only {args.notes} notes: the target names 10,000)"
    print(f"  resident memory after {args.notes} notes ({took:.0f} s to answer them all): {rss_notes:.0f} MB   "
          f"target ≤ {TARGET_RSS_NOTES_MB:.0f} MB {verdict(notes_ok)}{size_note}")
    return start_ok and rss_ok and notes_ok, {"start_s": slowest, "rss_start_mb": rss_start, "rss_notes_mb": rss_notes}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--starts", type=int, default=3, help="timed starts on the existing database")
    parser.add_argument("--notes", type=int, default=TARGET_NOTES)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--connections", type=int, default=16, help="concurrent posting connections")


if __name__ == "__main__":
    sys.exit(asyncio.run(script_main(__doc__, add_arguments, run)))
