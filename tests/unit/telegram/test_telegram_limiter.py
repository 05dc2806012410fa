"""The outbox rate limiters (memory and Redis): overall rate with its catch-up burst, per-chat spacing, 429 penalty.

Rates are raised so that each test takes a fraction of a second; the figures asserted are lower bounds on the
time the limiter made us wait (an upper bound would only measure how busy the machine is).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from core.telegram.limiter import ARRIVAL_JITTER, Limits, MemoryRateLimiter, RateLimiter, RedisRateLimiter


@pytest.fixture(params=["memory", "redis"])
async def make_limiter(request: pytest.FixtureRequest) -> AsyncIterator[object]:
    clients: list[Redis] = []

    def build(limits: Limits) -> RateLimiter:
        if request.param == "memory":
            return MemoryRateLimiter(limits)
        url = request.getfixturevalue("redis_url")
        client = Redis.from_url(url)
        clients.append(client)
        return RedisRateLimiter(client, limits, prefix=f"test:{uuid.uuid4()}:")

    yield build
    for client in clients:
        await client.aclose()


async def _timed(limiter: RateLimiter, chats: list[int]) -> float:
    started = time.monotonic()
    for chat_id in chats:
        await limiter.acquire(chat_id)
    return time.monotonic() - started


async def test_the_overall_rate_holds_after_its_burst(make_limiter) -> None:  # type: ignore[no-untyped-def]
    limiter = make_limiter(Limits(global_rate=50, chat_rate=1000, chat_burst=1000, global_burst=3))
    # three at once (the burst), then one every 20 ms: the 13th may go 10 intervals after the first
    assert await _timed(limiter, list(range(1, 14))) >= 10 * 0.02 - 0.005


async def test_a_chat_is_spaced_with_the_arrival_margin_and_other_chats_are_not(make_limiter) -> None:  # type: ignore[no-untyped-def]
    limiter = make_limiter(Limits(global_rate=10_000, chat_rate=20, chat_burst=1, global_burst=100))
    assert await _timed(limiter, [7, 7, 7]) >= 2 * (1 / 20 + ARRIVAL_JITTER) - 0.005
    assert await _timed(limiter, [8, 9]) < 0.1  # other chats do not wait for chat 7


async def test_a_429_holds_the_chat_back(make_limiter) -> None:  # type: ignore[no-untyped-def]
    limiter = make_limiter(Limits(global_rate=10_000, chat_rate=1000, chat_burst=1, global_burst=100))
    await limiter.penalize(5, 0.3)
    assert await _timed(limiter, [5]) >= 0.28
    assert await _timed(limiter, [6]) < 0.05


async def test_a_message_that_left_late_moves_its_chats_next_slot(make_limiter) -> None:  # type: ignore[no-untyped-def]
    limiter = make_limiter(Limits(global_rate=10_000, chat_rate=20, chat_burst=1, global_burst=100))
    started = time.monotonic()
    await limiter.acquire(11)
    await limiter.left_late(11, 0.2)  # its claim took 0.2 s: it reached Telegram 0.2 s after its slot
    await limiter.acquire(11)
    assert time.monotonic() - started >= 1 / 20 + ARRIVAL_JITTER + 0.2 - 0.005
    await limiter.left_late(12, 0.5)  # a chat without a slot yet: nothing to move
    assert await _timed(limiter, [12]) < 0.1


async def test_the_overall_slots_go_to_the_chats_in_order(make_limiter) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    limiter = make_limiter(Limits(global_rate=100, chat_rate=1000, chat_burst=10, global_burst=1))
    granted: list[int] = []

    async def send(chat_id: int) -> None:
        await limiter.acquire(chat_id)
        granted.append(chat_id)

    tasks = []
    for chat_id in range(1, 9):
        tasks.append(asyncio.create_task(send(chat_id)))
        await asyncio.sleep(0)  # each asks in turn
    await asyncio.gather(*tasks)
    assert granted == list(range(1, 9))


async def test_a_free_slot_is_taken_without_waiting_and_a_busy_chat_gets_none(make_limiter) -> None:  # type: ignore[no-untyped-def]
    limiter = make_limiter(Limits(global_rate=10_000, chat_rate=1, chat_burst=1, global_burst=100))
    started = time.monotonic()
    assert await limiter.try_acquire(21)
    assert not await limiter.try_acquire(21)  # its one slot a second is taken: no wait, just no
    assert await limiter.try_acquire(22)
    assert time.monotonic() - started < 0.1
    # the slot try_acquire took counts: the next message of chat 21 waits for the chat's pace
    assert await _timed(limiter, [21]) >= 1 + ARRIVAL_JITTER - 0.1


async def test_no_slot_is_taken_while_the_overall_rate_is_used_up(make_limiter) -> None:  # type: ignore[no-untyped-def]
    limiter = make_limiter(Limits(global_rate=5, chat_rate=1000, chat_burst=10, global_burst=1))
    await limiter.acquire(31)  # the overall slot is taken for the next 0.2 s
    assert not await limiter.try_acquire(33)  # another chat gets none now
    assert await _timed(limiter, [33]) >= 0.15  # and waits for it as usual
