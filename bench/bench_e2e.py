"""End to end through the sandbox: notes/s and latency from update to reply, against a bare aiogram bot.

    .venv/bin/python bench/bench_e2e.py                                   # temp SQLite file
    .venv/bin/python bench/bench_e2e.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

Three processes on 127.0.0.1: the sandbox (bench/servers.py sandbox: flood limits off, stamps every message
it stores with the monotonic clock), the bot under test, and this driver, which posts notes through the
sandbox control API (POST /sandbox/api/messages) from many chats. Latency is measured inside the sandbox:
from the moment the user's message is stored (and its update queued) to the moment the bot's reply to it
is stored — so it includes getUpdates, the bot's work and sendMessage, and no client polling delay.

Bots, each on a fresh database:
  secretary  the real bot process (`python -m secretary.cli bot`, i.e. `secretary bot`: polling → inbox →
             consumers → outbox → sender) with the outbox limits raised (OUTBOX_GLOBAL_RATE=100000,
             OUTBOX_CHAT_RATE/BURST=10000) so that Telegram's limits do not cap the figure;
  bare       a plain aiogram Dispatcher polling the same sandbox, doing the same domain work as our bot
             (ensure_user, the same items service call, the note's search-index entry, the same reply text;
             own session + commit), replying with message.reply(), and then filing the note as our filing job
             does (read it, classify and render it and embed it with the user's provider, store the filing and
             the vector: bench/servers.py bare-bot; until 2026-12-05 it wrote no search entry and no vector);
  bare-nofiling  the same without the filing (`--bots secretary,bare,bare-nofiling` to see both).

Phases per bot, each waiting until every note has its reply (bounded):
  warm-up     one note per chat (creates the users; its rate sizes the next phase);
  throughput  notes from every chat posted as fast as the driver can (about --throughput-seconds of work,
              at most --notes): replies/s = notes / (last reply - first post);
  fixed rate  --rate notes/s offered for --seconds s, chats in rotation: latency p50/p95/p99/max (cut to 3 s
              when the bot's throughput is below the rate: the backlog would only grow);
  light load  --light-rate notes/s (or half the bot's throughput, if lower): the pipeline's own latency, started
              once the bot has no job left from the phases before (its embedding jobs trail the filing).
"replies/s" counts replies; "done/s" counts notes with all their work done, the reply sent and the note filed
(our bot files in a job after the reply, the bare bot in its handler after the reply): the throughput targets and
the ratio use done/s, the rate a bot can sustain. "cpu ms/note" is CPU time of the bot process (and of the sandbox)
per answered note in that phase, until its notes were filed; the CPU target (issue 17) takes the throughput
phase's CPU until no job is left, so that our bot's embedding jobs, which run 2–4 s after a user's notes, count too;
"busy" is how busy the whole machine was (other load included). Targets: ≥ 300 notes/s, p95 ≤ 50 ms at 100 notes/s,
≥ 0.7× the bare bot's throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
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
    bench_env,
    engine_label,
    fresh_database,
    quantiles_ms,
    sandbox_json,
    script_main,
    timed_sandbox,
    verdict,
)

TARGET_NOTES_PER_S = 300.0
TARGET_P95_MS = 50.0
TARGET_RATIO = 0.7
# issue 17's targets, against the bare bot of the same run
TARGET_LIGHT_P95_RATIO = 1.5  # light load: our p95 ≤ 1.5× the bare bot's
TARGET_THROUGHPUT_RATIO = 1.0  # done/s ≥ the bare bot's
TARGET_CPU_MS = 8.0  # bot CPU per note (reply + filing), throughput phase
FIRST_CHAT = 500_000
# plain notes: no dates, times, task or meeting words, so every text is saved as a note with one reply
NOTES = (
    "the blue notebook is on the second shelf", "idea: tulips along the fence", "интересная статья про очереди",
    "quote: simplicity is a prerequisite for reliability", "пароль от вайфая у соседа", "a book for the trip",
    "the plumber's name is Anton", "рецепт пирога с яблоками у бабушки",
)


@dataclass
class Phase:
    """One measured phase: notes posted, replies, rate, latency, CPU."""

    name: str
    notes: int = 0
    answered: int = 0
    offered: float = 0.0  # notes/s actually posted
    rate: float = 0.0  # replies/s, first post to last reply
    done_rate: float = 0.0  # notes/s with all their work done (reply sent and note filed), first post to last one
    latency: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    # throughput phase: CPU until no job is left (our bot's embedding jobs run a few seconds after the notes, so they
    # are not all in ``cpu``, read when the last note is filed); includes the bot's idle polls of those seconds
    cpu_all: dict[str, float] = field(default_factory=dict)

    def cpu_ms_per_note(self, process: str, *, all_jobs: bool = False) -> float:
        cpu = self.cpu_all if all_jobs and self.cpu_all else self.cpu
        return cpu.get(process, 0.0) / max(self.answered, 1) * 1000


@dataclass
class BotFigures:
    kind: str
    phases: dict[str, Phase] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        """Notes/s with all their work done (a bot may answer faster than it files, but not for long)."""
        return self.phases["throughput"].done_rate if "throughput" in self.phases else 0.0

    @property
    def missing(self) -> int:
        return sum(p.notes - p.answered for p in self.phases.values())


class FilingWatch:
    """Counts the filed notes in the bot's database: a bot's work on a note ends when the note is filed, and our
    bot files after the reply (a job), so the throughput that counts is the one at which filing keeps up."""

    def __init__(self, db_url: str) -> None:
        from core.db.engine import make_engine

        self.engine = make_engine(db_url, null_pool=True)

    async def count(self) -> tuple[int, float | None]:
        """How many notes are filed, and when the last one was (on the monotonic clock)."""
        from sqlalchemy import func, select

        from core.topics.models import NoteFiling

        async with self.engine.connect() as conn:
            n, last = (await conn.execute(select(func.count(), func.max(NoteFiling.created_at)))).one()
        if last is None:
            return int(n), None
        if last.tzinfo is None:  # SQLite gives the stored UTC time back naive
            last = last.replace(tzinfo=dt.UTC)
        return int(n), last.timestamp() - (time.time() - time.monotonic())

    async def settle(self, within: float) -> int:
        """Wait until the bot has no job left to run (the search index's embedding jobs trail the filing); returns
        how many were still open at the deadline. A phase then starts on an idle bot, not on the last one's work."""
        from sqlalchemy import func, select

        from core.queue.models import Job, QueueStatus

        open_ = (QueueStatus.NEW.value, QueueStatus.CLAIMED.value, QueueStatus.FAILED.value)
        deadline = time.monotonic() + within
        while True:
            async with self.engine.connect() as conn:
                left = int((await conn.execute(select(func.count()).where(Job.status.in_(open_)))).scalar() or 0)
            if not left or time.monotonic() >= deadline:
                return left
            await asyncio.sleep(0.2)

    async def wait(self, expected: int, within: float) -> float | None:
        """When (monotonic) the ``expected``-th note was filed, taken from the rows; None if not within."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            n, last = await self.count()
            if n >= expected:
                return last
            await asyncio.sleep(0.1)
        return None

    async def close(self) -> None:
        await self.engine.dispose()


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

    async def wait_replies(self, within: float, stall: float = 10.0) -> int:
        """Wait until every posted note has a reply; returns how many are still missing at the deadline, or
        when no reply came for `stall` seconds (a note the bot lost, e.g. the bare bot on a race)."""
        deadline = time.monotonic() + within
        replies, last, progress_at = 0, -1, time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - progress_at < stall:
            async with self.http.get("/bench/summary") as response:
                replies = int((await response.json())["replies"])
            if replies >= self.expected:
                return 0
            if replies != last:
                last, progress_at = replies, time.monotonic()
            await asyncio.sleep(0.05)
        missing = self.expected - replies
        self.expected -= missing  # given up on: the next phase does not wait for them again
        return missing


async def wait_bot_connected(base: str, child: Child, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not child.alive():
            raise RuntimeError(f"{child.name} exited:\n{child.output_tail()}")
        config = await sandbox_json(base, "/sandbox/api/config")
        if config.get("current_bot_id") is not None:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{child.name} never polled the sandbox\n{child.output_tail()}")


def bot_child(kind: str, db_url: str, sandbox_url: str, workdir: str, consumers: int | None, *,
              ingress: bool = True) -> Child:
    if kind.startswith("bare"):
        return Child("bot", [sys.executable, str(BENCH_DIR / "servers.py"), "bare-bot", "--database-url", db_url,
                             *(["--no-filing"] if kind == "bare-nofiling" else []),
                             "--api-base", sandbox_url])
    extra = {"TELEGRAM_API_BASE": sandbox_url, "OUTBOX_GLOBAL_RATE": "100000", "OUTBOX_CHAT_RATE": "10000",
             "OUTBOX_CHAT_BURST": "10000", "DATA_DIR": workdir}
    if consumers:
        extra["QUEUE_CONSUMERS"] = str(consumers)
    # cwd is a temp dir so that a developer's .env cannot switch Redis or the database on behind our back
    return Child("bot", [sys.executable, "-m", "secretary.cli", "bot", *([] if ingress else ["--no-ingress"])],
                 env=bench_env(db_url, **extra), cwd=Path(workdir))


def measure(name: str, keys: list[str], timings: dict[str, Any], cpu: dict[str, float], filed_at: float | None
            ) -> Phase:
    posted = sorted(timings["inbound"][k] for k in keys)
    answered = [timings["replies"][k] for k in keys if k in timings["replies"]]
    phase = Phase(name, notes=len(keys), answered=len(answered), cpu=cpu)
    phase.offered = (len(posted) - 1) / max(posted[-1] - posted[0], 1e-9) if len(posted) > 1 else 0.0
    phase.rate = len(answered) / max(max(answered) - posted[0], 1e-9) if answered else 0.0
    if answered and filed_at is not None:
        phase.done_rate = len(answered) / max(max(max(answered), filed_at) - posted[0], 1e-9)
    phase.latency = quantiles_ms([timings["replies"][k] - timings["inbound"][k] for k in keys
                                  if k in timings["replies"]])
    return phase


async def run_bot(kind: str, server_url: str, args: argparse.Namespace) -> BotFigures:
    """Warm-up, then (a) throughput, (b) latency at --rate, (c) latency at a light load; each bounded in time."""
    figures = BotFigures(kind)
    chats = list(range(FIRST_CHAT, FIRST_CHAT + args.chats))
    async with fresh_database(server_url) as db_url, timed_sandbox() as sandbox:
        with tempfile.TemporaryDirectory(prefix="secretary-bench-bot-") as workdir:
            bot = bot_child(kind, db_url, sandbox.url, workdir, args.consumers)
            # `--bot-processes N`: N-1 more `secretary bot --no-ingress` (consume only; their CPU counts as the bot's)
            extras = [bot_child(kind, db_url, sandbox.url, workdir, args.consumers, ingress=False)
                      for _ in range(args.bot_processes - 1)] if kind == "secretary" and db_url.startswith(
                          "postgresql") else []
            with bot, contextlib.ExitStack() as stack:
                for extra in extras:
                    stack.enter_context(extra)
                await wait_bot_connected(sandbox.url, bot)
                driver = Driver(sandbox.url, args.connections)
                filings = FilingWatch(db_url)
                files = kind != "bare-nofiling"

                async def phase(name: str, post: Any, wait: float) -> Phase:
                    meter = CpuMeter([bot, *extras, sandbox.child])
                    keys = await post
                    missing = await driver.wait_replies(wait)
                    filed_at = await filings.wait(driver.expected, wait) if files else None
                    cpu = meter.read()  # the CPU of the whole work: replies and filing
                    if missing:
                        errors = [line for line in bot.output_tail(20_000).splitlines() if "Error" in line]
                        print(f"  {kind}/{name}: {missing} notes unanswered (no more replies came)"
                              + (f"; the bot logged: {errors[-1][:200]}" if errors else ""))
                    if files and filed_at is None:
                        print(f"  {kind}/{name}: notes not all filed within {wait:.0f} s")
                    result = measure(name, keys, await sandbox_json(sandbox.url, "/bench/timings"), cpu,
                                     filed_at if files else 0.0)
                    if name == "throughput":  # and the jobs that trail the notes (embedding), for the CPU figure
                        await filings.settle(60)
                        result.cpu_all = meter.read()
                    figures.phases[name] = result
                    return result

                try:
                    warm = await phase("warm-up", driver.post_burst(chats, 1, args.connections), 90)
                    if warm.answered < warm.notes:
                        raise RuntimeError(f"{kind}: warm-up notes unanswered\n{bot.output_tail()}")
                    # size the throughput phase to about --throughput-seconds at the warm-up rate
                    budget = min(args.notes, int(warm.rate * args.throughput_seconds))
                    per_chat = max(args.min_per_chat, budget // len(chats))
                    top = await phase("throughput", driver.post_burst(chats, per_chat, args.connections),
                                      max(60.0, args.throughput_seconds * 4))
                    await asyncio.sleep(0.5)
                    # under overload the backlog only grows: keep the fixed-rate phase short then
                    seconds = args.seconds if top.rate >= args.rate else min(args.seconds, 3.0)
                    await phase("fixed rate", driver.post_paced(chats, args.rate, seconds), 90)
                    await asyncio.sleep(0.5)
                    if left := await filings.settle(60):  # the light load starts on an idle bot
                        print(f"  {kind}: {left} jobs still open before the light-load phase")
                    light = max(1.0, min(args.light_rate, top.rate / 2))
                    await phase("light load", driver.post_paced(chats, light, args.light_seconds), 60)
                finally:
                    await driver.close()
                    await filings.close()
    return figures


def report(label: str, results: list[BotFigures], args: argparse.Namespace) -> bool:
    print(f"\nEnd to end through the sandbox — {label}  ({args.chats} chats, {args.connections} posting connections)")
    print(f"  {'bot':13} {'phase':11} {'notes':>6} {'offered/s':>9} {'replies/s':>9} {'done/s':>7} {'p50':>9} "
          f"{'p95':>9} {'p99':>9} {'max':>9} {'| cpu ms/note: bot':>19} {'sandbox':>8} {'pg':>6} {'busy':>5}")
    for f in results:
        for p in f.phases.values():
            print(f"  {f.kind:13} {p.name:11} {p.answered:6d} {p.offered:9.0f} {p.rate:9.0f} {p.done_rate:7.0f} "
                  + " ".join(f"{p.latency[k]:7.1f}ms" for k in ("p50", "p95", "p99", "max"))
                  + f" {'|':>3} {p.cpu_ms_per_note('bot'):15.2f} {p.cpu_ms_per_note('sandbox'):8.2f} "
                  f"{p.cpu_ms_per_note('postgres') if label == 'PostgreSQL' else 0:6.2f} "
                  f"{p.cpu.get('machine_busy', 0) * 100:4.0f}%")
    ok = True
    ours = next((f for f in results if f.kind == "secretary"), None)
    bare = next((f for f in results if f.kind == "bare"), None)
    if ours is not None:
        met = ours.throughput >= TARGET_NOTES_PER_S
        ok &= met
        print(f"  target ≥ {TARGET_NOTES_PER_S:.0f} notes/s (done/s): {ours.throughput:.0f}  {verdict(met)}")
        fixed = ours.phases["fixed rate"]
        met = fixed.latency["p95"] <= TARGET_P95_MS and fixed.answered == fixed.notes
        ok &= met
        print(f"  target p95 ≤ {TARGET_P95_MS:.0f} ms at {args.rate:.0f} notes/s: {fixed.latency['p95']:.1f} ms  "
              f"{verdict(met)}")
        if ours.missing:
            ok = False
            print(f"  {ours.missing} notes were not answered in time")
    if ours is not None and bare is not None and bare.throughput > 0:
        ratio = ours.throughput / bare.throughput
        met = ratio >= TARGET_RATIO
        ok &= met
        print(f"  target ≥ {TARGET_RATIO}× the bare aiogram bot: {ours.throughput:.0f} / {bare.throughput:.0f} = "
              f"{ratio:.2f}×  {verdict(met)}")
    if ours is not None and bare is not None:
        ok &= issue17_targets(ours, bare)
    plain = next((f for f in results if f.kind == "bare-nofiling"), None)
    if ours is not None and plain is not None and plain.throughput > 0:
        print(f"  (against the bare bot without filing, which does less work than ours: {ours.throughput:.0f} / "
              f"{plain.throughput:.0f} = {ours.throughput / plain.throughput:.2f}×)")
    return ok


def issue17_targets(ours: BotFigures, bare: BotFigures) -> bool:
    """Latency at light load, throughput and CPU per note against the bare bot of the same run."""
    ok = True
    if "light load" in ours.phases and "light load" in bare.phases:
        mine, theirs = ours.phases["light load"].latency["p95"], bare.phases["light load"].latency["p95"]
        met = mine <= TARGET_LIGHT_P95_RATIO * theirs
        ok &= met
        print(f"  target light-load p95 ≤ {TARGET_LIGHT_P95_RATIO}× the bare bot's: {mine:.1f} / {theirs:.1f} ms = "
              f"{mine / theirs:.1f}×  {verdict(met)}")
    if bare.throughput > 0:
        ratio = ours.throughput / bare.throughput
        met = ratio >= TARGET_THROUGHPUT_RATIO
        ok &= met
        print(f"  target throughput ≥ {TARGET_THROUGHPUT_RATIO}× the bare bot: {ratio:.2f}×  {verdict(met)}")
    if "throughput" in ours.phases:
        our_phase, bare_phase = ours.phases["throughput"], bare.phases["throughput"]
        cpu, base = our_phase.cpu_ms_per_note("bot", all_jobs=True), bare_phase.cpu_ms_per_note("bot", all_jobs=True)
        met = cpu <= TARGET_CPU_MS
        ok &= met
        until_filed = our_phase.cpu_ms_per_note("bot")
        print(f"  target bot CPU ≤ {TARGET_CPU_MS:.0f} ms/note (reply + filing, and our embedding jobs): {cpu:.1f} ms "
              f"({until_filed:.1f} ms until the last note was filed; the bare bot: {base:.1f} ms)  {verdict(met)}")
    return ok


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--notes", type=int, default=3000, help="at most this many notes in the throughput phase")
    parser.add_argument("--throughput-seconds", type=float, default=10.0,
                        help="size the throughput phase to about this long (from the warm-up rate)")
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--min-per-chat", type=int, default=3,
                        help="at least this many notes per chat in the throughput phase (shorter phases are noisy)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent posting connections")
    parser.add_argument("--rate", type=float, default=100.0, help="offered notes/s in the latency phase")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="length of the fixed-rate phase (3 s at most when the bot cannot keep up)")
    parser.add_argument("--light-rate", type=float, default=20.0,
                        help="the light-load phase: this rate, or half the measured throughput if lower")
    parser.add_argument("--light-seconds", type=float, default=5.0)
    parser.add_argument("--bot-processes", type=int, default=1,
                        help="PostgreSQL: run our bot as this many processes (one polls, the others --no-ingress)")
    parser.add_argument("--consumers", type=int, default=0, help="QUEUE_CONSUMERS for our bot (0: its default)")
    parser.add_argument("--bots", default="secretary,bare",
                        help="comma-separated: secretary, bare (with filing, the same work as ours), bare-nofiling")


async def run(server_url: str, args: argparse.Namespace) -> tuple[bool, list[BotFigures]]:
    results = [await run_bot(kind.strip(), server_url, args) for kind in args.bots.split(",") if kind.strip()]
    return report(engine_label(server_url or "sqlite"), results, args), results


if __name__ == "__main__":
    sys.exit(asyncio.run(script_main(__doc__, add_arguments, run)))
