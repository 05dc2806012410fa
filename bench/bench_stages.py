"""Where a reply's time goes at light load: our bot's path from a user's message to the bot's reply, per stage.

    .venv/bin/python bench/bench_stages.py                                   # temp SQLite file
    .venv/bin/python bench/bench_stages.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

The sandbox (bench/servers.py sandbox) stamps when each user message is posted and when the bot's reply to it is
stored; the bot's own rows say when the update was stored in the inbox (``inbox_updates.created_at``), when its
handling finished (``processed_at``: the DONE mark, the last statement of the handler's transaction, just before
its commit). All are wall-clock times of processes on this one machine. Per note:

  delivered   posted → stored in the inbox   getUpdates returning it, and the transaction that stores (and
                                             claims) it
  handled     stored → DONE mark             claim (when not claimed with the store), the handler, its statements
  sent        DONE mark → reply stored       commit, the sender woken, rate limiter, its claim, sendMessage
  total       posted → reply stored          what the user waits (bench_e2e's latency)

Each stage is printed as p50/p95 over the notes of the measured phase (after a warm-up), at --rate notes/s from
--chats chats. The figures show which stage to cut; bench_e2e measures the result against the bare bot.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_e2e import FIRST_CHAT, Driver, bot_child, wait_bot_connected  # noqa: E402
from bench.common import (  # noqa: E402
    engine_label,
    fresh_database,
    quantiles_ms,
    sandbox_json,
    script_main,
    timed_sandbox,
)

STAGES = ("delivered", "handled", "sent", "total")


async def bot_rows(db_url: str) -> dict[str, dict[str, float]]:
    """Per "chat:message_id": when the update was stored in the inbox and when it was marked DONE (epoch s)."""
    from sqlalchemy import select

    from core.db.engine import make_engine, make_session_factory
    from core.queue.models import InboxUpdate

    engine = make_engine(db_url)
    try:
        async with make_session_factory(engine)() as session:
            inbox: dict[str, dict[str, float]] = {}
            for row in (await session.execute(select(InboxUpdate.chat_id, InboxUpdate.payload, InboxUpdate.created_at,
                                                     InboxUpdate.processed_at))).all():
                message = (row.payload or {}).get("message") or {}
                if row.processed_at is not None and "message_id" in message:
                    inbox[f"{row.chat_id}:{message['message_id']}"] = {
                        "stored": row.created_at.timestamp(), "done": row.processed_at.timestamp()}
            return inbox
    finally:
        await engine.dispose()


def stages_of(keys: list[str], timings: dict[str, Any], inbox: dict[str, dict[str, float]]) -> dict[str, list[float]]:
    """Seconds per stage and note; the sandbox's monotonic stamps moved to the wall clock by its own offset."""
    offset = float(timings["wall"]) - float(timings["now"])
    out: dict[str, list[float]] = {stage: [] for stage in STAGES}
    for key in keys:
        posted, replied, rows = timings["inbound"].get(key), timings["replies"].get(key), inbox.get(key)
        if posted is None or replied is None or rows is None:
            continue
        posted, replied = posted + offset, replied + offset
        out["delivered"].append(rows["stored"] - posted)
        out["handled"].append(rows["done"] - rows["stored"])
        out["sent"].append(replied - rows["done"])
        out["total"].append(replied - posted)
    return out


async def run(server_url: str, args: argparse.Namespace) -> tuple[bool, dict[str, dict[str, float]]]:
    chats = list(range(FIRST_CHAT, FIRST_CHAT + args.chats))
    async with fresh_database(server_url) as db_url, timed_sandbox() as sandbox:
        with tempfile.TemporaryDirectory(prefix="secretary-bench-stages-") as workdir, \
                bot_child("secretary", db_url, sandbox.url, workdir, None) as bot:
            await wait_bot_connected(sandbox.url, bot)
            driver = Driver(sandbox.url, 8)
            try:
                await driver.post_burst(chats, 1, 8)  # warm-up: the users exist, the code paths are hot
                await driver.wait_replies(90)
                await asyncio.sleep(1.0)
                keys = await driver.post_paced(chats, args.rate, args.seconds)
                missing = await driver.wait_replies(60)
                await asyncio.sleep(1.0)  # the sender records the last ones sent
            finally:
                await driver.close()
            timings = await sandbox_json(sandbox.url, "/bench/timings")
        inbox = await bot_rows(db_url)
    per_stage = stages_of(keys, timings, inbox)
    figures = {stage: quantiles_ms(values) for stage, values in per_stage.items()}
    print(f"\nStages of a reply at light load — {engine_label(server_url)}  ({args.rate:g} notes/s for "
          f"{args.seconds:g} s from {args.chats} chats; {len(per_stage['total'])} notes measured"
          f"{f', {missing} unanswered' if missing else ''})")
    print(f"  {'stage':<10} {'p50':>9} {'p95':>9} {'p99':>9}")
    for stage in STAGES:
        q = figures[stage]
        print(f"  {stage:<10} {q.get('p50', 0):8.1f}ms {q.get('p95', 0):8.1f}ms {q.get('p99', 0):8.1f}ms")
    return not missing, figures


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rate", type=float, default=10.0, help="offered notes/s")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--chats", type=int, default=100)


if __name__ == "__main__":
    sys.exit(asyncio.run(script_main(__doc__, add_arguments, run)))
