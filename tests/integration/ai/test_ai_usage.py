"""Usage rows written by real provider calls, summed per user (/usage) and for everyone (admin stats)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ai_helpers import FAST, OPENAI_KEY, TASK, TIMEOUT
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import usage as usage_repo
from core.ai.local_provider import LocalProvider
from core.ai.models import AIUsage
from core.ai.openai_provider import OpenAIProvider
from core.ai.provider import UsageCollector
from core.ai.types import Usage, UsageEvent
from core.ai.usage import DbUsageRecorder, UsageLine
from core.users.models import User
from tests.fakes.openai_server import FakeOpenAI, Reply


class TestRecording:
    async def test_each_provider_call_adds_a_row_for_the_user(
        self, session: AsyncSession, user: User, fake_openai: FakeOpenAI
    ) -> None:
        provider = OpenAIProvider(OPENAI_KEY, base_url=fake_openai.base_url, timeout=TIMEOUT, retry=FAST,
                                  recorder=DbUsageRecorder(session, user.id))
        fake_openai.enqueue(Reply.ok(TASK, usage=(100, 20)), Reply.ok("hi", audio_seconds=12.5))
        try:
            await provider.classify_note("x", language="en")
            await provider.transcribe(b"OggS", mime_type="audio/ogg")
        finally:
            await provider.aclose()
        rows = (await session.scalars(select(AIUsage).order_by(AIUsage.id))).all()
        assert [(r.user_id, r.provider, r.model, r.operation, r.input_tokens, r.output_tokens, r.calls,
                 r.audio_seconds) for r in rows] == [
            (user.id, "openai", "gpt-4o-mini", "classify", 100, 20, 1, 0.0),
            (user.id, "openai", "whisper-1", "transcribe", 0, 0, 1, 12.5),
        ]
        assert rows[0].created_at.tzinfo is not None

    async def test_collected_events_can_be_recorded_later(self, session: AsyncSession, user: User) -> None:
        collector = UsageCollector()
        await LocalProvider(recorder=collector).classify_note("Купить хлеб", language="ru")
        assert await usage_repo.record_all(session, user.id, collector.events) == 1
        assert (await session.scalar(select(AIUsage.operation))) == "classify"


def _event(provider: str, model: str, operation: str, tin: int, tout: int, audio: float = 0.0) -> UsageEvent:
    return UsageEvent(provider=provider, model=model, operation=operation,  # type: ignore[arg-type]
                      usage=Usage(input_tokens=tin, output_tokens=tout, calls=1), audio_seconds=audio)


class TestSummaries:
    async def test_summary_for_a_user_groups_by_provider_model_and_operation(
        self, session: AsyncSession, user: User
    ) -> None:
        other = User(id=777, first_name="Bob")
        session.add(other)
        await session.flush()
        for event in (_event("openai", "gpt-4o-mini", "classify", 100, 10),
                      _event("openai", "gpt-4o-mini", "classify", 50, 5),
                      _event("openai", "whisper-1", "transcribe", 0, 0, 30.0)):
            await usage_repo.record(session, user.id, event)
        await usage_repo.record(session, other.id, _event("gemini", "gemini-2.5-flash", "answer", 9, 9))
        await usage_repo.record(session, None, _event("local", "heuristic-v1", "embed", 0, 0))

        mine = await usage_repo.summary_for_user(session, user.id)
        assert mine.lines == [
            UsageLine(provider="openai", model="gpt-4o-mini", operation="classify", calls=2, input_tokens=150,
                      output_tokens=15, audio_seconds=0.0),
            UsageLine(provider="openai", model="whisper-1", operation="transcribe", calls=1, input_tokens=0,
                      output_tokens=0, audio_seconds=30.0),
        ]
        assert (mine.total, mine.audio_seconds) == (Usage(input_tokens=150, output_tokens=15, calls=3), 30.0)

        everyone = await usage_repo.totals(session)
        assert everyone.total == Usage(input_tokens=159, output_tokens=24, calls=5)
        assert {line.provider for line in everyone.lines} == {"openai", "gemini", "local"}

    async def test_since_limits_the_period(self, session: AsyncSession, user: User) -> None:
        await usage_repo.record(session, user.id, _event("openai", "gpt-4o-mini", "classify", 1, 1))
        old = AIUsage(user_id=user.id, provider="openai", model="gpt-4o-mini", operation="classify",
                      input_tokens=1000, output_tokens=0, calls=1, audio_seconds=0.0,
                      created_at=datetime.now(UTC) - timedelta(days=40))
        session.add(old)
        await session.flush()
        recent = await usage_repo.summary_for_user(session, user.id, since=datetime.now(UTC) - timedelta(days=30))
        assert recent.total == Usage(input_tokens=1, output_tokens=1, calls=1)

    async def test_a_user_without_usage_has_an_empty_summary(self, session: AsyncSession, user: User) -> None:
        summary = await usage_repo.summary_for_user(session, user.id)
        assert summary.is_empty and summary.total == Usage()
