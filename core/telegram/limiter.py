"""Telegram's outgoing limits as GCRA token buckets: overall, per chat, per group. Memory or Redis."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis


@dataclass(frozen=True)
class Limits:
    global_rate: float = 30.0  # messages per second overall
    chat_rate: float = 1.0  # messages per second per chat
    chat_burst: int = 3
    group_per_minute: int = 20
    # Telegram's overall limit is a rate, not a spacing (its bucket holds about a second of messages): a small burst
    # lets the sender catch up when the event loop woke it late, instead of losing that time for good.
    global_burst: int = 3


class RateLimiter(Protocol):
    async def acquire(self, chat_id: int) -> float:
        """Wait until a message to ``chat_id`` may go; returns the seconds waited."""
        ...

    async def try_acquire(self, chat_id: int) -> bool:
        """Reserve a slot for ``chat_id`` if one is free now and no other chat is in line for the overall one;
        never waits (a message written in a unit of work is sent as soon as it commits, see ``Outbox``)."""
        ...

    async def penalize(self, chat_id: int, seconds: float) -> None:
        """Telegram said 429 retry_after: hold this chat back."""
        ...

    async def left_late(self, chat_id: int, seconds: float) -> None:
        """The message left ``seconds`` after its slot (the claim's transaction waited): move the chat's (and
        group's) next slot back as much, so that two of its messages still arrive a full interval apart."""
        ...


def _strict_keys(chat_id: int) -> list[str]:
    """The buckets Telegram counts on arrival and strictly: the chat's, and the group's."""
    return [f"c:{chat_id}", f"grp:{chat_id}"] if chat_id < 0 else [f"c:{chat_id}"]


# Telegram counts a chat's messages when they arrive; ours leave a database round trip after their slot, and that
# round trip varies, so two messages a full interval apart here can arrive closer together there. The strict
# buckets (a chat, a group) get this margin; the overall one is Telegram's lenient one (a bucket, see Limits).
ARRIVAL_JITTER = 0.1  # seconds


def _buckets(limits: Limits, chat_id: int) -> list[tuple[str, float, int]]:
    """(key, emission interval seconds, burst) for every bucket a message to ``chat_id`` passes."""
    buckets = [("g", 1.0 / limits.global_rate, limits.global_burst),
               (f"c:{chat_id}", 1.0 / limits.chat_rate + ARRIVAL_JITTER, limits.chat_burst)]
    if chat_id < 0:
        buckets.append((f"grp:{chat_id}", 60.0 / limits.group_per_minute + ARRIVAL_JITTER, 1))
    return buckets


class MemoryRateLimiter:
    """The buckets in this process. Chats whose own pace allows a message take the overall slots first come, first
    served: when the order is left to whichever task wakes first, some chats send their messages early and others
    late, and the last seconds of a burst go at a few chats' per-chat pace instead of the overall rate."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._tat: dict[str, float] = {}
        self._turn = asyncio.Lock()  # asyncio's lock wakes its waiters in order

    def _try(self, chat_id: int, now: float, *, strict_only: bool = False) -> float:
        """Reserve a slot in every bucket, or return how long to wait (reserving nothing). ``strict_only`` checks
        the chat's (and group's) buckets alone and reserves nothing."""
        wait = 0.0
        plans: list[tuple[str, float]] = []
        for key, interval, burst in _buckets(self.limits, chat_id):
            if strict_only and key == "g":
                continue
            tat = max(self._tat.get(key, now), now)
            new_tat = tat + interval
            allow_at = new_tat - burst * interval
            wait = max(wait, allow_at - now)
            plans.append((key, new_tat))
        if wait <= 0 and not strict_only:
            for key, new_tat in plans:
                self._tat[key] = new_tat
        return wait

    async def acquire(self, chat_id: int) -> float:
        started = time.monotonic()
        while True:
            wait = self._try(chat_id, time.monotonic(), strict_only=True)
            if wait > 0:  # the chat's own pace: only this chat waits for it
                await asyncio.sleep(wait)
                continue
            async with self._turn:  # in line for the overall slot
                while True:
                    now = time.monotonic()
                    if self._try(chat_id, now, strict_only=True) > 0:
                        break  # a 429 moved the chat back meanwhile: leave the line, wait for the chat
                    wait = self._try(chat_id, now)
                    if wait <= 0:
                        return time.monotonic() - started
                    await asyncio.sleep(wait)  # only the overall slot is missing: keep our place

    async def try_acquire(self, chat_id: int) -> bool:
        if self._turn.locked():  # chats are in line for the overall slot: this one goes behind them
            return False
        return self._try(chat_id, time.monotonic()) <= 0

    async def penalize(self, chat_id: int, seconds: float) -> None:
        key = f"c:{chat_id}"
        # so that the next acquire waits the full ``seconds`` whatever the burst allowance
        until = time.monotonic() + seconds + (self.limits.chat_burst - 1) / self.limits.chat_rate
        self._tat[key] = max(self._tat.get(key, 0.0), until)

    async def left_late(self, chat_id: int, seconds: float) -> None:
        for key in _strict_keys(chat_id):
            if key in self._tat:
                self._tat[key] += seconds


# KEYS: bucket keys; ARGV: (interval, burst) per key. Returns "<wait seconds> <1-based index of the bucket that
# made us wait>" ("0 0" = reserved). The clock is Redis's own
# (TIME inside the script: one round trip per attempt, and every process shares the clock as it shares the buckets).
_GCRA_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local wait = 0
local limiting = 0
local plans = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  local new_tat = tat + interval
  local allow_at = new_tat - burst * interval
  if allow_at - now > wait then
    wait = allow_at - now
    limiting = i
  end
  plans[i] = new_tat
end
if wait <= 0 then
  for i, key in ipairs(KEYS) do
    local ttl = math.ceil(plans[i] - now) + 1
    redis.call('SET', key, tostring(plans[i]), 'EX', ttl)
  end
  return '0 0'
end
return tostring(wait) .. ' ' .. tostring(limiting)
"""


# KEYS: bucket keys; ARGV[1]: seconds to add to each existing theoretical arrival time (kept with its expiry).
_DELAY_LUA = """
for _, key in ipairs(KEYS) do
  local tat = redis.call('GET', key)
  if tat then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = 1000 end
    redis.call('SET', key, tostring(tonumber(tat) + tonumber(ARGV[1])), 'PX', ttl + math.ceil(tonumber(ARGV[1]) * 1000))
  end
end
return 0
"""


class RedisRateLimiter:
    """The same buckets in Redis, so every bot and worker process shares them; within a process the chats take the
    overall slots in order, as with the memory limiter."""

    def __init__(self, redis: Redis, limits: Limits, prefix: str = "secretary:tg:") -> None:
        self.redis = redis
        self.limits = limits
        self.prefix = prefix
        self._script = redis.register_script(_GCRA_LUA)
        self._delay = redis.register_script(_DELAY_LUA)
        self._turn = asyncio.Lock()

    async def _now(self) -> float:
        sec, usec = await self.redis.time()
        return float(sec) + float(usec) / 1e6

    def _script_args(self, chat_id: int) -> tuple[list[str], list[float | int]]:
        buckets = _buckets(self.limits, chat_id)
        args: list[float | int] = []
        for _, interval, burst in buckets:
            args += [interval, burst]
        return [self.prefix + key for key, _, _ in buckets], args

    async def try_acquire(self, chat_id: int) -> bool:
        if self._turn.locked():
            return False
        keys, args = self._script_args(chat_id)
        return float((await self._script(keys=keys, args=args)).split()[0]) <= 0

    async def acquire(self, chat_id: int) -> float:
        keys, args = self._script_args(chat_id)
        started = time.monotonic()
        while True:
            async with self._turn:  # this process's chats queue for the overall slot in order (as in memory)
                while True:
                    wait_text, limiting = (await self._script(keys=keys, args=args)).split()
                    wait = float(wait_text)
                    if wait <= 0:
                        return time.monotonic() - started
                    if int(limiting) != 1:  # the chat's own pace (bucket 1 is the overall one): wait out of line
                        break
                    await asyncio.sleep(wait)
            await asyncio.sleep(wait)

    async def penalize(self, chat_id: int, seconds: float) -> None:
        now = await self._now()
        key = f"{self.prefix}c:{chat_id}"
        until = now + seconds + (self.limits.chat_burst - 1) / self.limits.chat_rate
        await self.redis.set(key, str(until), ex=int(until - now) + 2)

    async def left_late(self, chat_id: int, seconds: float) -> None:
        await self._delay(keys=[self.prefix + key for key in _strict_keys(chat_id)], args=[seconds])
