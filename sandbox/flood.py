"""Telegram's flood limits (switchable) and the counters the benchmark reads.

Limits are token buckets: per chat (`per_chat_per_sec`, bursts of `per_chat_burst`), overall
(`global_per_sec`) and per group chat (`group_per_min` a minute). A call over a limit is answered 429 with
`retry_after` = whole seconds until it would pass. `fail_next` forces the next N sending calls to 429.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import ApiError


@dataclass
class FloodConfig:
    flood_limits: bool = False
    per_chat_per_sec: float = 1.0
    per_chat_burst: int = 3
    global_per_sec: float = 30.0
    group_per_min: float = 20.0
    fail_next: int = 0
    retry_after: int = 1

    def update(self, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            if name == "flood_limits":
                self.flood_limits = bool(value)
            elif name in ("per_chat_burst", "fail_next", "retry_after"):
                setattr(self, name, max(int(value), 0))
            elif name in ("per_chat_per_sec", "global_per_sec", "group_per_min"):
                setattr(self, name, max(float(value), 0.001))

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class _Bucket:
    capacity: float
    rate: float  # tokens per second
    tokens: float
    stamp: float

    def refill(self, now: float, capacity: float, rate: float) -> None:
        self.capacity, self.rate = capacity, rate
        self.tokens = min(capacity, self.tokens + (now - self.stamp) * rate)
        self.stamp = now

    def wait(self) -> float:
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class Stats:
    sent_messages: int = 0
    too_many_requests: int = 0
    edited_messages: int = 0
    deleted_messages: int = 0
    updates: int = 0
    per_chat: dict[int, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: {"sent": 0, "too_many_requests": 0})
    )

    def reset(self) -> None:
        self.__dict__.update(Stats().__dict__)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent_messages": self.sent_messages, "too_many_requests": self.too_many_requests,
            "edited_messages": self.edited_messages, "deleted_messages": self.deleted_messages,
            "updates": self.updates, "per_chat": {str(k): dict(v) for k, v in self.per_chat.items()},
        }


class FloodControl:
    def __init__(self, config: FloodConfig, stats: Stats) -> None:
        self.config = config
        self.stats = stats
        self._buckets: dict[str, _Bucket] = {}

    def reset(self) -> None:
        self._buckets.clear()

    def check(self, bot_id: int, chat_id: int | None) -> None:
        """Take one sending slot for `chat_id`, or raise the 429 Telegram would answer."""
        cfg = self.config
        if cfg.fail_next > 0:
            cfg.fail_next -= 1
            self._refuse(chat_id, cfg.retry_after)
        if not cfg.flood_limits:
            return
        now = time.monotonic()
        buckets = [self._bucket(f"global:{bot_id}", cfg.global_per_sec, cfg.global_per_sec, now)]
        if chat_id is not None:
            buckets.append(self._bucket(f"chat:{bot_id}:{chat_id}", cfg.per_chat_burst, cfg.per_chat_per_sec, now))
            if chat_id < 0:
                buckets.append(self._bucket(f"group:{bot_id}:{chat_id}", cfg.group_per_min, cfg.group_per_min / 60,
                                            now))
        wait = max(b.wait() for b in buckets)
        if wait > 0:
            self._refuse(chat_id, max(1, math.ceil(wait)))
        for b in buckets:
            b.tokens -= 1

    def _bucket(self, key: str, capacity: float, rate: float, now: float) -> _Bucket:
        capacity = max(capacity, 1.0)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(capacity, rate, capacity, now)
        bucket.refill(now, capacity, rate)
        return bucket

    def _refuse(self, chat_id: int | None, retry_after: int) -> None:
        self.stats.too_many_requests += 1
        if chat_id is not None:
            self.stats.per_chat[chat_id]["too_many_requests"] += 1
        raise ApiError.too_many_requests(retry_after)
