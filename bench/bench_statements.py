"""What a note costs in SQL, our bot against the bare bot, and what the durable pipeline's own statements cost.

    .venv/bin/python bench/bench_statements.py                                   # temp SQLite file
    .venv/bin/python bench/bench_statements.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

Both bots run in this process, one after the other, each on a fresh database, against the sandbox in its own process
(bench/servers.py sandbox): our bot as `secretary bot` runs it (BotServices: polling → inbox → consumers → outbox →
sender, with the in-process job runner), the bare bot as bench_e2e runs it (bench/servers.py run_bare_bot: the same
domain work in its handler, the reply by message.reply(), the filing after it). Every statement and commit the
process sends is counted (SQLAlchemy's engine events), from the first of --notes plain notes (--rate notes/s from
--chats chats, after a warm-up note per chat) until every reply is in and no job is left (our embedding jobs run
2–4 s after the notes). Statements are grouped by what they touch.

Then the CPU of the cheapest statements this stack can send is measured on the same database: a prebuilt Core
SELECT by primary key, a prebuilt UPDATE by primary key, and an empty transaction's BEGIN and COMMIT, each in a loop.
What our bot sends beyond the bare bot, times those costs, is the floor of what the durable pipeline (the inbox, the
outbox and the job rows, the search index) costs per note with SQLAlchemy and this driver, however the rest is cut:
bench_e2e's "cpu ms/note" gap between the two bots is compared with it in docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_e2e import FIRST_CHAT, Driver, FilingWatch  # noqa: E402
from bench.common import BOT_TOKEN, engine_label, fresh_database, sandbox_json, script_main, timed_sandbox  # noqa: E402

_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", re.IGNORECASE)


class Counter:
    """Statements and commits of every engine in this process while ``on``."""

    def __init__(self) -> None:
        self.on = False
        self.statements: collections.Counter[str] = collections.Counter()
        self.commits = 0
        self.own: set[Any] = set()  # this script's own engines (its waits for the jobs): not counted

    def install(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.listen(Engine, "before_cursor_execute", self._statement)
        event.listen(Engine, "commit", self._commit)

    def uninstall(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.remove(Engine, "before_cursor_execute", self._statement)
        event.remove(Engine, "commit", self._commit)

    def _statement(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self.on and conn.engine not in self.own:
            self.statements[_kind(statement)] += 1

    def _commit(self, conn: Any) -> None:
        if self.on and conn.engine not in self.own:
            self.commits += 1

    def reset(self) -> None:
        self.statements.clear()
        self.commits = 0


def _kind(statement: str) -> str:
    verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
    if verb == "BEGIN":
        return "BEGIN"
    table = _TABLE.search(statement)
    return f"{verb} {table.group(1) if table else '?'}"


@contextlib.asynccontextmanager
async def _our_bot(db_url: str, sandbox_url: str, workdir: str) -> Any:
    from core.config import Settings
    from secretary.bot import BotServices
    from secretary.runtime import attach_job_dispatch, build_runtime

    settings = Settings(_env_file=None, database_url=db_url, telegram_bot_token=BOT_TOKEN,  # type: ignore[call-arg]
                        telegram_api_base=sandbox_url, outbox_global_rate=100_000, outbox_chat_rate=10_000,
                        outbox_chat_burst=10_000, data_dir=Path(workdir), log_level="WARNING", redis_url="")
    runtime = await build_runtime(settings)
    runner = attach_job_dispatch(runtime)
    assert runner is not None  # no Redis: the in-process runner
    services = BotServices(runtime)
    await services.start()
    runner_task = asyncio.create_task(runner.run())
    try:
        yield
    finally:
        await services.stop()
        await runner.stop(grace=5)
        await asyncio.gather(runner_task, return_exceptions=True)
        await runtime.close()


@contextlib.asynccontextmanager
async def _bare_bot(db_url: str, sandbox_url: str, _workdir: str) -> Any:
    from bench.servers import run_bare_bot

    stop = asyncio.Event()
    task = asyncio.create_task(run_bare_bot(db_url, sandbox_url, stop=stop))
    try:
        yield
    finally:
        stop.set()  # it stops polling before the sandbox goes away
        await asyncio.gather(task, return_exceptions=True)


async def count_notes(kind: str, server_url: str, args: argparse.Namespace, counter: Counter
                      ) -> tuple[dict[str, float], float]:
    """Statements per note by kind, and commits per note, for one bot."""
    chats = list(range(FIRST_CHAT, FIRST_CHAT + args.chats))
    bot = _our_bot if kind == "secretary" else _bare_bot
    async with fresh_database(server_url) as db_url, timed_sandbox() as sandbox:
        with tempfile.TemporaryDirectory(prefix="secretary-bench-bot-") as workdir:
            async with bot(db_url, sandbox.url, workdir):
                deadline = time.monotonic() + 60
                while (await sandbox_json(sandbox.url, "/sandbox/api/config")).get("current_bot_id") is None:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{kind} never polled the sandbox")
                    await asyncio.sleep(0.1)
                driver = Driver(sandbox.url, 8)
                jobs = FilingWatch(db_url)
                counter.own.add(jobs.engine.sync_engine)
                try:
                    for chat_id in chats:  # warm-up: every user exists, every path has run once
                        await driver.post(chat_id, "warm-up note")
                    if await driver.wait_replies(60):
                        raise RuntimeError(f"{kind}: warm-up notes unanswered")
                    await jobs.settle(30)
                    counter.reset()
                    counter.on = True
                    keys = await driver.post_paced(chats, args.rate, args.notes / args.rate)
                    if await driver.wait_replies(60):
                        raise RuntimeError(f"{kind}: notes unanswered")
                    await jobs.settle(30)  # our embedding jobs run 2–4 s after the notes
                    counter.on = False
                finally:
                    await driver.close()
                    await jobs.close()
    notes = len(keys)
    return {k: n / notes for k, n in counter.statements.items()}, counter.commits / notes


async def statement_costs(server_url: str, loops: int) -> dict[str, float]:
    """CPU µs of the cheapest statements through SQLAlchemy on this database: prebuilt Core, by primary key."""
    from sqlalchemy import bindparam, select, update

    from core.db.engine import execute_core, make_engine, make_session_factory
    from core.users.models import User

    by_id = select(User.id, User.language).where(User.id == bindparam("b_id"))
    touch = update(User).where(User.id == bindparam("b_id")).values(language=bindparam("b_language"))
    async with fresh_database(server_url) as db_url:
        engine = make_engine(db_url)
        sessions = make_session_factory(engine)
        try:
            async with sessions() as s:
                s.add(User(id=1, first_name="Bench", language="en", timezone="UTC", reminder_minutes=15))
                await s.commit()
            costs: dict[str, float] = {}
            async with sessions() as s:
                for name, statement, params in (("select", by_id, {"b_id": 1}),
                                                ("update", touch, {"b_id": 1, "b_language": "en"})):
                    for timed in (False, True):  # the first pass warms the caches
                        started = time.process_time()
                        for _ in range(loops):
                            await execute_core(s, statement, params)
                        if timed:
                            costs[name] = (time.process_time() - started) / loops * 1e6
                await s.commit()
            for timed in (False, True):
                started = time.process_time()
                for _ in range(loops):
                    async with sessions() as s, s.begin():
                        await execute_core(s, by_id, {"b_id": 1})
                if timed:  # a transaction around one SELECT, less that SELECT: BEGIN, COMMIT, the pool
                    costs["transaction"] = (time.process_time() - started) / loops * 1e6 - costs["select"]
            return costs
        finally:
            await engine.dispose()


async def run(server_url: str, args: argparse.Namespace) -> tuple[bool, Any]:
    counter = Counter()
    counter.install()
    label = engine_label(server_url)
    per_note: dict[str, dict[str, float]] = {}
    commits: dict[str, float] = {}
    try:
        # the bare bot first: our bot's runtime subscribes the item listeners (search index, filing) for the whole
        # process, and the bare bot would then do their work besides its own
        for kind in ("bare", "secretary"):
            per_note[kind], commits[kind] = await count_notes(kind, server_url, args, counter)
    finally:
        counter.uninstall()
    costs = await statement_costs(server_url, args.loops)

    ours, bare = per_note["secretary"], per_note["bare"]
    print(f"\nStatements per plain note — {label}  ({args.notes} notes at {args.rate:g}/s from {args.chats} chats, "
          f"until no job is left)")
    print(f"  {'statement':34} {'ours':>6} {'bare':>6} {'extra':>6}")
    for kind in sorted(set(ours) | set(bare), key=lambda k: (-(ours.get(k, 0) - bare.get(k, 0)), k)):
        mine, theirs = ours.get(kind, 0.0), bare.get(kind, 0.0)
        print(f"  {kind:34} {mine:6.2f} {theirs:6.2f} {mine - theirs:+6.2f}")
    total_ours, total_bare = sum(ours.values()), sum(bare.values())
    print(f"  {'all statements':34} {total_ours:6.2f} {total_bare:6.2f} {total_ours - total_bare:+6.2f}")
    print(f"  {'commits':34} {commits['secretary']:6.2f} {commits['bare']:6.2f} "
          f"{commits['secretary'] - commits['bare']:+6.2f}")

    print(f"\nCPU of the cheapest statements ({args.loops} each, prebuilt Core through SQLAlchemy, this process)")
    print(f"  SELECT by key {costs['select']:.0f} µs · UPDATE by key {costs['update']:.0f} µs · "
          f"a transaction's BEGIN + COMMIT + pool {costs['transaction']:.0f} µs")
    extra_statements = total_ours - total_bare - (ours.get("BEGIN", 0) - bare.get("BEGIN", 0))
    extra_commits = commits["secretary"] - commits["bare"]
    floor = (extra_statements * min(costs["select"], costs["update"]) + extra_commits * costs["transaction"]) / 1000
    print(f"  floor of our extra work per note: {extra_statements:.1f} statements × "
          f"{min(costs['select'], costs['update']):.0f} µs + {extra_commits:.1f} transactions × "
          f"{costs['transaction']:.0f} µs = {floor:.1f} ms of CPU")
    return True, {"ours": ours, "bare": bare, "commits": commits, "costs": costs, "floor_ms": floor}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--notes", type=int, default=100)
    parser.add_argument("--rate", type=float, default=10.0, help="notes/s")
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--loops", type=int, default=2000, help="statements per cost figure")


if __name__ == "__main__":
    sys.exit(asyncio.run(script_main(__doc__, add_arguments, run)))
