"""End to end through the sandbox: notes/s and latency from update to reply, against a bare aiogram bot.

    .venv/bin/python bench/bench_e2e.py                                   # temp SQLite file
    .venv/bin/python bench/bench_e2e.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

Three processes on 127.0.0.1: the sandbox (bench/servers.py sandbox: flood limits off, stamps every message
it stores with the monotonic clock), the bot under test, and this driver, which posts notes through the
sandbox control API (POST /sandbox/api/messages) from many chats. Latency is measured inside the sandbox:
from the moment the user's message is stored (and its update queued) to the moment the bot's reply to it
is stored — so it includes getUpdates, the bot's work and sendMessage, and no client polling delay.

Bots, each on a fresh database:
  secretary  the real bot process (`python -m core.cli bot`, i.e. `secretary bot`: polling → inbox →
             consumers → outbox → sender) with the outbox limits raised (OUTBOX_GLOBAL_RATE=100000,
             OUTBOX_CHAT_RATE/BURST=10000) so that Telegram's limits do not cap the figure;
  bare       a plain aiogram Dispatcher polling the same sandbox, doing the same domain work as our text
             handler (ensure_user, the same items service call, the same reply text; own session + commit)
             and replying with message.reply() (bench/servers.py bare-bot).

Phases per bot: warm-up (one note per chat, creates the users), (a) throughput: --notes notes from --chats
chats posted as fast as the driver can, notes/s = notes / (last reply - first post); (b) latency at a fixed
offered rate (--rate notes/s for --seconds s, chats in rotation): p50/p95/p99/max.
Targets: ≥ 300 notes/s, p95 ≤ 50 ms at 100 notes/s, ≥ 0.7× the bare bot's throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

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
    fresh_database,
    machine_summary,
    quantiles_ms,
    sandbox_json,
    timed_sandbox,
    verdict,
)

TARGET_NOTES_PER_S = 300.0
TARGET_P95_MS = 50.0
TARGET_RATIO = 0.7
FIRST_CHAT = 500_000
# plain notes: no dates, times, task or meeting words, so every text is saved as a note with one reply
NOTES = (
    "the blue notebook is on the second shelf", "idea: tulips along the fence", "интересная статья про очереди",
    "quote: simplicity is a prerequisite for reliability", "пароль от вайфая у соседа", "a book for the trip",
    "the plumber's name is Anton", "рецепт пирога с яблоками у бабушки",
)


@dataclass
class BotFigures:
    kind: str
    throughput: float = 0.0
    throughput_notes: int = 0
    post_rate: float = 0.0
    throughput_latency: dict[str, float] = field(default_factory=dict)
    offered_rate: float = 0.0
    latency: dict[str, float] = field(default_factory=dict)
    latency_notes: int = 0
    missing: int = 0
    cpu_throughput: dict[str, float] = field(default_factory=dict)
    cpu_latency: dict[str, float] = field(default_factory=dict)


class Driver:
    """Posts notes through the control API like people typing in many chats."""

    def __init__(self, base: str, connections: int) -> None:
        self.base = base
        self.http = aiohttp.ClientSession(
            base_url=base, connector=aiohttp.TCPConnector(limit=connections),
            timeout=aiohttp.ClientTimeout(total=30),
        )
        self.expected = 0

    async def close(self) -> None:
        await self.http.close()

    async def post(self, chat_id: int, text: str) -> str:
        body = {"chat_id": chat_id, "text": text, "first_name": f"Bench {chat_id}", "language_code": "en"}
        async with self.http.post("/sandbox/api/messages", json=body) as response:
            response.raise_for_status()
            data = await response.json()
        self.expected += 1
        return f"{chat_id}:{data['message_id']}"

    async def post_burst(self, chats: list[int], per_chat: int, workers: int) -> list[str]:
        """Every chat sends `per_chat` notes, in order within a chat, `workers` posts in flight at once."""
        queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
        for i in range(per_chat):
            for chat_id in chats:
                queue.put_nowait((chat_id, i))
        keys: list[str] = []

        async def worker() -> None:
            while not queue.empty():
                chat_id, i = queue.get_nowait()
                keys.append(await self.post(chat_id, NOTES[i % len(NOTES)]))

        await asyncio.gather(*(worker() for _ in range(workers)))
        return keys

    async def post_paced(self, chats: list[int], rate: float, seconds: float) -> list[str]:
        """A fixed offered rate: note i is posted at t0 + i/rate, whatever the replies do."""
        loop = asyncio.get_running_loop()
        total = int(rate * seconds)
        t0 = loop.time() + 0.05
        tasks: list[asyncio.Task[str]] = []
        for i in range(total):
            delay = t0 + i / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            chat_id = chats[i % len(chats)]
            tasks.append(asyncio.create_task(self.post(chat_id, NOTES[i % len(NOTES)])))
        return list(await asyncio.gather(*tasks))

    async def wait_replies(self, timeout: float) -> int:
        """Wait until every posted note has a reply; returns how many are still missing at the deadline."""
        deadline = time.monotonic() + timeout
        replies = 0
        while time.monotonic() < deadline:
            async with self.http.get("/bench/summary") as response:
                replies = int((await response.json())["replies"])
            if replies >= self.expected:
                return 0
            await asyncio.sleep(0.05)
        return self.expected - replies


async def wait_bot_connected(base: str, child: Child, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.alive():
            raise RuntimeError(f"{child.name} exited:\n{child.output_tail()}")
        config = await sandbox_json(base, "/sandbox/api/config")
        if config.get("current_bot_id") is not None:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{child.name} never polled the sandbox\n{child.output_tail()}")


def bot_child(kind: str, db_url: str, sandbox_url: str, workdir: str, consumers: int | None) -> Child:
    if kind == "bare":
        return Child("bot", [sys.executable, str(BENCH_DIR / "servers.py"), "bare-bot", "--database-url", db_url,
                             "--api-base", sandbox_url])
    extra = {"TELEGRAM_API_BASE": sandbox_url, "OUTBOX_GLOBAL_RATE": "100000", "OUTBOX_CHAT_RATE": "10000",
             "OUTBOX_CHAT_BURST": "10000", "DATA_DIR": workdir}
    if consumers:
        extra["QUEUE_CONSUMERS"] = str(consumers)
    # cwd is a temp dir so that a developer's .env cannot switch Redis or the database on behind our back
    return Child("bot", [sys.executable, "-m", "core.cli", "bot"], env=bench_env(db_url, **extra),
                 cwd=Path(workdir))


def _latencies(timings: dict[str, Any], keys: list[str]) -> list[float]:
    return [timings["replies"][k] - timings["inbound"][k] for k in keys if k in timings["replies"]]


async def run_bot(kind: str, server_url: str, args: argparse.Namespace) -> BotFigures:
    figures = BotFigures(kind)
    chats = list(range(FIRST_CHAT, FIRST_CHAT + args.chats))
    async with fresh_database(server_url) as db_url, timed_sandbox() as sandbox:
        sandbox_url = sandbox.url
        with tempfile.TemporaryDirectory(prefix="secretary-bench-bot-") as workdir:
            bot = bot_child(kind, db_url, sandbox_url, workdir, args.consumers)
            with bot:
                await wait_bot_connected(sandbox_url, bot)
                driver = Driver(sandbox_url, args.connections)
                try:
                    await driver.post_burst(chats, 1, args.connections)  # warm-up: users, connections, caches
                    if missing := await driver.wait_replies(60):
                        raise RuntimeError(f"{kind}: {missing} warm-up notes unanswered\n{bot.output_tail()}")

                    meter = CpuMeter([bot, sandbox.child])
                    keys = await driver.post_burst(chats, max(1, args.notes // len(chats)), args.connections)
                    figures.missing += await driver.wait_replies(max(60.0, len(keys) / 20))
                    figures.cpu_throughput = meter.read()
                    timings = await sandbox_json(sandbox_url, "/bench/timings")
                    posted = sorted(timings["inbound"][k] for k in keys)
                    answered = [timings["replies"][k] for k in keys if k in timings["replies"]]
                    figures.throughput_notes = len(answered)
                    figures.throughput = len(answered) / (max(answered) - posted[0])
                    figures.post_rate = (len(posted) - 1) / max(posted[-1] - posted[0], 1e-9)
                    figures.throughput_latency = quantiles_ms(_latencies(timings, keys))

                    await asyncio.sleep(0.5)
                    meter = CpuMeter([bot, sandbox.child])
                    keys = await driver.post_paced(chats, args.rate, args.seconds)
                    figures.missing += await driver.wait_replies(60)
                    figures.cpu_latency = meter.read()
                    timings = await sandbox_json(sandbox_url, "/bench/timings")
                    posted = sorted(timings["inbound"][k] for k in keys)
                    figures.offered_rate = (len(posted) - 1) / max(posted[-1] - posted[0], 1e-9)
                    lat = _latencies(timings, keys)
                    figures.latency_notes = len(lat)
                    figures.latency = quantiles_ms(lat)
                finally:
                    await driver.close()
    return figures


def report(label: str, results: list[BotFigures], args: argparse.Namespace) -> bool:
    print(f"\nEnd to end through the sandbox — {label}  ({args.chats} chats, {args.connections} posting "
          f"connections; latency phase {args.rate:.0f} notes/s offered for {args.seconds:.0f} s)")
    print(f"  {'bot':10} {'notes/s':>8} {'posted/s':>9} {'| at':>5} {'rate':>6} {'p50':>8} {'p95':>8} {'p99':>8} "
          f"{'max':>8} {'| cpu ms/note: bot':>18} {'sandbox':>8} {'driver':>7} {'busy':>6}")
    for f in results:
        per_note = {k: v / max(f.throughput_notes, 1) * 1000 for k, v in f.cpu_throughput.items()}
        print(f"  {f.kind:10} {f.throughput:8.0f} {f.post_rate:9.0f} {'|':>5} {f.offered_rate:6.0f} "
              + " ".join(f"{f.latency[k]:6.1f}ms" for k in ("p50", "p95", "p99", "max"))
              + f" {'|':>3} {per_note.get('bot', 0):14.2f} {per_note.get('sandbox', 0):8.2f} "
              f"{per_note.get('this_process', 0):7.2f} {f.cpu_throughput.get('machine_busy', 0) * 100:5.0f}%")
    ok = True
    ours = next((f for f in results if f.kind == "secretary"), None)
    bare = next((f for f in results if f.kind == "bare"), None)
    if ours is not None:
        met = ours.throughput >= TARGET_NOTES_PER_S
        ok &= met
        print(f"  target ≥ {TARGET_NOTES_PER_S:.0f} notes/s: {ours.throughput:.0f}  {verdict(met)}")
        met = ours.latency["p95"] <= TARGET_P95_MS
        ok &= met
        print(f"  target p95 ≤ {TARGET_P95_MS:.0f} ms at {args.rate:.0f} notes/s: {ours.latency['p95']:.1f} ms  "
              f"{verdict(met)}")
        if ours.missing:
            ok = False
            print(f"  {ours.missing} notes were not answered in time")
    if ours is not None and bare is not None and bare.throughput > 0:
        ratio = ours.throughput / bare.throughput
        met = ratio >= TARGET_RATIO
        ok &= met
        print(f"  target ≥ {TARGET_RATIO}× the bare aiogram bot: {ratio:.2f}×  {verdict(met)}")
    return ok


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--notes", type=int, default=2000, help="notes in the throughput phase")
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--connections", type=int, default=32, help="concurrent posting connections")
    parser.add_argument("--rate", type=float, default=100.0, help="offered notes/s in the latency phase")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the latency phase")
    parser.add_argument("--consumers", type=int, default=0, help="QUEUE_CONSUMERS for our bot (0: its default)")
    parser.add_argument("--bots", default="secretary,bare", help="which bots: secretary, bare or both")


async def run(server_url: str, args: argparse.Namespace) -> tuple[bool, list[BotFigures]]:
    results = [await run_bot(kind.strip(), server_url, args) for kind in args.bots.split(",") if kind.strip()]
    return report(engine_label(server_url or "sqlite"), results, args), results


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_arg(parser)
    add_arguments(parser)
    args = parser.parse_args()
    print(machine_summary())
    ok, _ = await run(args.database_url, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
