"""The one retry loop: backoff with jitter, Retry-After honoured or refused, give-up, non-retryable errors."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from core.ai.errors import ERR_AI_AUTH, ERR_AI_RATE_LIMITED, ERR_AI_UNAVAILABLE, AIProviderError
from core.ai.retry import RetryPolicy, call_with_retries, open_stream_with_retries, parse_retry_after


class Flaky(Exception):
    def __init__(self, kind: str, retry_after: float | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.retry_after = retry_after


def classify(exc: BaseException) -> AIProviderError | None:
    if not isinstance(exc, Flaky):
        return None
    if exc.kind == "429":
        return AIProviderError(ERR_AI_RATE_LIMITED, "slow down", provider="t", retryable=True,
                               retry_after=exc.retry_after)
    if exc.kind == "401":
        return AIProviderError(ERR_AI_AUTH, "bad key", provider="t")
    return AIProviderError(ERR_AI_UNAVAILABLE, "down", provider="t", retryable=True)


class Script:
    """Fails with the given errors in order, then returns "ok"; records the sleeps it was asked for."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls = 0
        self.sleeps: list[float] = []

    async def op(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


POLICY = RetryPolicy(max_retries=3, base_delay=1.0, max_delay=8.0, max_retry_after=30.0)


async def run(script: Script, policy: RetryPolicy = POLICY) -> str:
    return await call_with_retries(script.op, classify=classify, policy=policy, what="test", sleep=script.sleep,
                                   rng=random.Random(7))


class TestRetries:
    async def test_server_errors_back_off_exponentially_with_jitter(self) -> None:
        script = Script(Flaky("500"), Flaky("500"), Flaky("500"))
        assert await run(script) == "ok"
        assert script.calls == 4
        ceilings = [1.0, 2.0, 4.0]
        assert all(c / 2 <= s <= c for s, c in zip(script.sleeps, ceilings, strict=True))

    async def test_retry_after_is_waited_exactly(self) -> None:
        script = Script(Flaky("429", retry_after=7.0))
        assert await run(script) == "ok"
        assert script.sleeps == [7.0]

    async def test_gives_up_after_max_retries_with_the_last_error(self) -> None:
        script = Script(*[Flaky("500") for _ in range(4)])
        with pytest.raises(AIProviderError) as caught:
            await run(script)
        assert caught.value.code == ERR_AI_UNAVAILABLE
        assert script.calls == 4
        assert len(script.sleeps) == 3

    async def test_a_retry_after_longer_than_we_wait_is_handed_back(self) -> None:
        script = Script(Flaky("429", retry_after=120.0))
        with pytest.raises(AIProviderError) as caught:
            await run(script)
        assert (caught.value.code, caught.value.retry_after, caught.value.retryable) == (
            ERR_AI_RATE_LIMITED, 120.0, True)
        assert script.sleeps == []

    async def test_non_retryable_errors_fail_at_once(self) -> None:
        script = Script(Flaky("401"))
        with pytest.raises(AIProviderError) as caught:
            await run(script)
        assert caught.value.code == ERR_AI_AUTH
        assert script.calls == 1

    async def test_unknown_exceptions_propagate_untouched(self) -> None:
        script = Script(KeyError("bug"))
        with pytest.raises(KeyError):
            await run(script)
        assert script.calls == 1


class TestStreams:
    async def test_opening_is_retried_but_a_failure_after_the_first_token_is_not(self) -> None:
        opened = 0

        async def tokens(fail_after: int | None) -> object:
            for i in range(3):
                if fail_after is not None and i == fail_after:
                    raise Flaky("500")
                yield f"t{i}"

        async def opener() -> object:
            nonlocal opened
            opened += 1
            return tokens(0 if opened == 1 else 2)  # first stream dies before a token, second after two

        async def no_sleep(_: float) -> None:
            return None

        stream = await open_stream_with_retries(opener, classify=classify, policy=POLICY,  # type: ignore[arg-type]
                                                what="test", sleep=no_sleep)
        received: list[str] = []
        with pytest.raises(AIProviderError) as caught:
            async for token in stream:
                received.append(token)
        assert opened == 2
        assert received == ["t0", "t1"]
        assert caught.value.code == ERR_AI_UNAVAILABLE


class TestRetryAfterHeader:
    @pytest.mark.parametrize(("headers", "seconds"), [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({}, None),
        ({"retry-after": "soon"}, None),
    ])
    def test_forms(self, headers: dict[str, str], seconds: float | None) -> None:
        assert parse_retry_after(headers) == seconds

    def test_http_date(self) -> None:
        when = datetime.now(UTC) + timedelta(seconds=20)
        parsed = parse_retry_after({"retry-after": format_datetime(when, usegmt=True)})
        assert parsed is not None and 18 <= parsed <= 20
