"""Providers wired to the local fake OpenAI/Gemini servers with tiny timeouts and fast retries."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from ai_helpers import FAST, GEMINI_KEY, OPENAI_KEY, TIMEOUT
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai.gemini_provider import GeminiProvider
from core.ai.openai_provider import OpenAIProvider
from core.ai.provider import UsageCollector
from core.users.models import User
from tests.fakes.gemini_server import FakeGemini, fake_gemini  # noqa: F401
from tests.fakes.openai_server import FakeOpenAI, fake_openai  # noqa: F401


@pytest.fixture
def usage() -> UsageCollector:
    return UsageCollector()


@pytest.fixture
async def openai_provider(fake_openai: FakeOpenAI, usage: UsageCollector  # noqa: F811
                          ) -> AsyncIterator[OpenAIProvider]:
    provider = OpenAIProvider(OPENAI_KEY, base_url=fake_openai.base_url, timeout=TIMEOUT, retry=FAST,
                              recorder=usage)
    yield provider
    await provider.aclose()


@pytest.fixture
async def gemini_provider(fake_gemini: FakeGemini, usage: UsageCollector  # noqa: F811
                          ) -> AsyncIterator[GeminiProvider]:
    provider = GeminiProvider(GEMINI_KEY, base_url=fake_gemini.base_url, timeout=TIMEOUT, retry=FAST,
                              recorder=usage)
    yield provider
    await provider.aclose()


@pytest.fixture
async def user(session: AsyncSession) -> User:
    row = User(id=4242, first_name="Ada", language="en")
    session.add(row)
    await session.flush()
    return row
