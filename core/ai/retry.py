"""The one place where provider calls are retried: 429 (honouring Retry-After), 5xx, timeouts.

The SDKs' own retries are switched off so that every provider behaves the same way. Each provider
supplies ``classify``, which turns an SDK exception into an :class:`AIProviderError` (or ``None`` for an
exception that is a bug and must propagate untouched).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import structlog

from core.ai.errors import ERR_AI_RATE_LIMITED, AIProviderError
from core.queue.backoff import backoff_seconds

log = structlog.get_logger(__name__)

T = TypeVar("T")
Classifier = Callable[[BaseException], AIProviderError | None]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 3  # retries after the first attempt
    base_delay: float = 0.5  # first backoff ceiling, doubled each retry, full jitter
    max_delay: float = 20.0
    max_retry_after: float = 60.0  # a longer Retry-After is not waited for: the caller reschedules


async def call_with_retries(
    op: Callable[[], Awaitable[T]],
    *,
    classify: Classifier,
    policy: RetryPolicy,
    what: str,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
) -> T:
    """Run ``op`` until it succeeds, a non-retryable error occurs, or the retries are used up."""
    attempt = 0
    while True:
        try:
            return await op()
        except AIProviderError:
            raise
        except Exception as exc:
            err = classify(exc)
            if err is None:
                raise
            attempt += 1
            if not err.retryable or attempt > policy.max_retries:
                raise err from exc
            if err.retry_after is not None and err.retry_after > policy.max_retry_after:
                raise AIProviderError(
                    ERR_AI_RATE_LIMITED, err.message, provider=err.provider,
                    retryable=True, retry_after=err.retry_after,
                ) from exc
            delay = err.retry_after
            if delay is None:
                delay = backoff_seconds(attempt, policy.base_delay, policy.max_delay, rng)
            log.warning("ai.retry", what=what, provider=err.provider, code=err.code, attempt=attempt,
                        delay=round(delay, 3))
            await sleep(delay)


async def open_stream_with_retries(
    opener: Callable[[], Awaitable[AsyncIterator[T]]],
    *,
    classify: Classifier,
    policy: RetryPolicy,
    what: str,
    sleep: Sleep = asyncio.sleep,
) -> AsyncIterator[T]:
    """Open a stream and read its first item under the retry policy; later failures are not retried.

    Some SDKs only send the request when the stream is first read, so reading the first item is part of
    "opening". Once a token has reached the caller, retrying would duplicate text.
    """
    _end = object()

    async def _open() -> tuple[object, AsyncIterator[T]]:
        stream = await opener()
        first = await anext(stream, _end)
        return first, stream

    first, stream = await call_with_retries(_open, classify=classify, policy=policy, what=what, sleep=sleep)
    return _chain(first, stream, _end, classify)


async def _chain(first: object, stream: AsyncIterator[T], end: object, classify: Classifier) -> AsyncIterator[T]:
    try:
        if first is end:
            return
        yield first  # type: ignore[misc]
        async for item in stream:
            yield item
    except AIProviderError:
        raise
    except Exception as exc:
        err = classify(exc)
        if err is None:
            raise
        raise err from exc
    finally:  # release the HTTP response even when the reader stops early
        close = getattr(stream, "aclose", None) or getattr(stream, "close", None)
        if close is not None:
            await close()


def parse_retry_after(headers: object) -> float | None:
    """Seconds from ``retry-after-ms`` / ``retry-after`` (delta-seconds or HTTP date) in a headers mapping."""
    get = getattr(headers, "get", None)
    if get is None:
        return None
    raw_ms = get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
