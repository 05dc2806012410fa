"""Outbound: the outbox sender against the sandbox with Telegram's flood limits switched on, strictly.

    .venv/bin/python bench/bench_outbound.py                                  # temp SQLite file
    .venv/bin/python bench/bench_outbound.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_outbound.py --limiters memory,redis          # also the Redis limiter

--messages messages to --chats private chats are queued in the outbox (one transaction), then the real sender
(core.telegram.sender.OutboxSender, with MemoryRateLimiter or RedisRateLimiter and
Limits(30/s overall, 1/s per chat, burst --our-burst, 20/min per group)) delivers them to the sandbox (its own
process), whose flood limits are on at Telegram's values: 30/s overall, 1/s per chat with a burst of
--sandbox-burst, 20/min per group; every call over a limit is answered 429 and counted. Figures: achieved msg/s
(first to last delivery, stamped by the sandbox), the busiest 1-second window, the 429s the sandbox returned, and
whether every chat got its messages once and in order. Target: about 30 msg/s with no 429.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    BOT_TOKEN,
    engine_label,
    fresh_database,
    redis_reachable,
    sandbox_json,
    script_main,
    timed_sandbox,
    verdict,
)
from bot.telegram.client import build_bot  # noqa: E402
from bot.telegram.sender import OutboxSender  # noqa: E402
from core.config import Settings  # noqa: E402
from core.db.engine import make_engine, make_session_factory  # noqa: E402
from core.telegram.limiter import Limits, MemoryRateLimiter, RateLimiter, RedisRateLimiter  # noqa: E402
from core.telegram.models import OutboxMessage, OutboxStatus  # noqa: E402
from core.telegram.outbox import Outbox  # noqa: E402

TARGET_RATE = 30.0
RATE_TOLERANCE = 0.9  # "holds ~30 msg/s": at least 27 msg/s sustained
FIRST_CHAT = 900_000
REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class OutboundFigures:
    database: str
    limiter: str
    messages: int
    delivered: int = 0
    rate: float = 0.0
    overall: float = 0.0
    busiest_second: int = 0
    too_many_requests: int = 0
    in_order: bool = True
    duplicates: int = 0
    seconds: float = 0.0


async def queue_messages(session_factory: Any, messages: int, chats: int) -> None:
    async with session_factory() as session:
        outbox = Outbox(session, f"bench:{os.getpid()}")
        for i in range(messages):
            chat_id = FIRST_CHAT + i % chats
            await outbox.send_message(chat_id, f"message {i // chats} to chat {chat_id}", parse_mode=None)
        await session.commit()


async def wait_delivered(session_factory: Any, messages: int, within: float) -> int:
    deadline = time.monotonic() + within
    done = 0
    while time.monotonic() < deadline:
        async with session_factory() as session:
            done = int(await session.scalar(
                select(func.count()).select_from(OutboxMessage)
                .where(OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.DEAD)))) or 0)
        if done >= messages:
            return done
        await asyncio.sleep(0.2)
    return done


def busiest_second(stamps: list[float]) -> int:
    stamps = sorted(stamps)
    best, start = 0, 0
    for end, t in enumerate(stamps):
        while t - stamps[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def check_chats(base: str, chats: int, messages: int) -> tuple[bool, int]:
    """Every chat received its messages exactly once and in the order they were queued."""
    in_order, duplicates = True, 0
    for c in range(chats):
        chat_id = FIRST_CHAT + c
        texts = [m["text"] for m in await sandbox_json(base, f"/sandbox/api/chats/{chat_id}/messages") if m["from_bot"]]
        expected = [f"message {i} to chat {chat_id}" for i in range(len(range(c, messages, chats)))]
        duplicates += len(texts) - len(set(texts))
        in_order &= texts == expected
    return in_order, duplicates


def make_limiter(kind: str, limits: Limits) -> tuple[RateLimiter, Any]:
    if kind == "redis":
        from redis.asyncio import Redis

        redis = Redis.from_url(REDIS_URL)
        return RedisRateLimiter(redis, limits, prefix=f"secretary-bench:{os.getpid()}:{time.time_ns()}:"), redis
    return MemoryRateLimiter(limits), None


async def run_one(server_url: str, limiter_kind: str, args: argparse.Namespace) -> OutboundFigures:
    figures = OutboundFigures(engine_label(server_url or "sqlite"), limiter_kind, args.messages)
    flood = {"flood_limits": True, "per_chat_per_sec": 1, "per_chat_burst": args.sandbox_burst,
             "global_per_sec": 30, "group_per_min": 20}
    async with fresh_database(server_url) as db_url, timed_sandbox(**flood) as sandbox:
        engine = make_engine(db_url)
        sessions = make_session_factory(engine)
        settings = Settings(_env_file=None, database_url=db_url, telegram_bot_token=BOT_TOKEN,  # type: ignore[call-arg]
                            telegram_api_base=sandbox.url)
        bot = build_bot(settings)
        limiter, redis = make_limiter(limiter_kind, Limits(30.0, 1.0, args.our_burst, 20))
        sender = OutboxSender(bot, sessions, limiter)
        try:
            await queue_messages(sessions, args.messages, args.chats)
            started = time.monotonic()
            task = asyncio.create_task(sender.run())
            figures.delivered = await wait_delivered(sessions, args.messages, args.messages / 20 + 30)
            figures.seconds = time.monotonic() - started
            await sender.stop()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        finally:
            await bot.session.close()
            if redis is not None:
                await redis.aclose()
            await engine.dispose()
        stats = await sandbox_json(sandbox.url, "/sandbox/api/stats")
        timings = await sandbox_json(sandbox.url, "/bench/timings")
        sent = sorted(timings["bot_sent"])
        figures.too_many_requests = int(stats["too_many_requests"])
        figures.rate = (len(sent) - 1) / (sent[-1] - sent[0]) if len(sent) > 1 else 0.0
        figures.overall = len(sent) / figures.seconds if figures.seconds else 0.0
        figures.busiest_second = busiest_second(sent)
        figures.in_order, figures.duplicates = await check_chats(sandbox.url, args.chats, args.messages)
    return figures


def report(results: list[OutboundFigures], args: argparse.Namespace) -> bool:
    print(f"\nOutbound (outbox sender → sandbox with flood limits on: 30/s overall, 1/s per chat burst "
          f"{args.sandbox_burst}; our limiter 30/s, 1/s per chat burst {args.our_burst}; {args.messages} messages "
          f"to {args.chats} chats)")
    print(f"  {'database':11} {'limiter':8} {'msg/s':>6} {'overall':>8} {'max in 1 s':>10} {'429s':>5} "
          f"{'delivered':>10} {'once, in order':>15}")
    ok = True
    for f in results:
        print(f"  {f.database:11} {f.limiter:8} {f.rate:6.1f} {f.overall:8.1f} {f.busiest_second:10d} "
              f"{f.too_many_requests:5d} {f.delivered:>6}/{f.messages:<4} "
              f"{'yes' if f.in_order and not f.duplicates else 'NO':>14}")
        met = (f.rate >= TARGET_RATE * RATE_TOLERANCE and f.too_many_requests == 0 and f.delivered == f.messages
               and f.in_order and not f.duplicates)
        ok &= met
        print(f"    target ~{TARGET_RATE:.0f} msg/s with 0 × 429, all delivered once in order: {verdict(met)}")
    return ok


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--our-burst", type=int, default=1, help="our limiter's per-chat burst")
    parser.add_argument("--sandbox-burst", type=int, default=1, help="the sandbox's per-chat burst (Telegram: ~1)")
    parser.add_argument("--limiters", default="memory,redis", help="memory, redis (skipped when Redis is down)")


async def run(server_url: str, args: argparse.Namespace) -> tuple[bool, list[OutboundFigures]]:
    results = []
    for kind in [k.strip() for k in args.limiters.split(",") if k.strip()]:
        if kind == "redis" and not await redis_reachable(REDIS_URL):
            print(f"  (Redis at {REDIS_URL} is not reachable: the Redis limiter is skipped)")
            continue
        results.append(await run_one(server_url, kind, args))
    return report(results, args), results


if __name__ == "__main__":
    sys.exit(asyncio.run(script_main(__doc__, add_arguments, run)))
