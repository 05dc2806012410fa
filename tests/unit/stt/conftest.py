"""Voice fixtures made at test time (no binary files in the repo): a sine tone or espeak-ng speech, encoded by
ffmpeg like Telegram voice notes (OGG/Opus, 48 kHz). Without ffmpeg/espeak-ng these tests skip locally and
fail in CI."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from stt_samples import Synth

from core.ai.openai_provider import OpenAIProvider
from core.ai.provider import UsageCollector
from core.ai.retry import RetryPolicy
from tests.fakes.gemini_server import FakeGemini, fake_gemini  # noqa: F401
from tests.fakes.openai_server import FakeOpenAI, fake_openai  # noqa: F401
from tests.support import audio


@pytest.fixture
def ffmpeg() -> None:
    audio.require("ffmpeg", "ffprobe")


@pytest.fixture
def tone(ffmpeg: None) -> Synth:
    """``await tone(seconds)`` → a stereo 48 kHz OGG/Opus sine tone."""
    return audio.tone


@pytest.fixture
def speech(ffmpeg: None) -> Synth:
    """``await speech(text, voice="ru")`` → espeak-ng speech as a Telegram-like OGG/Opus voice note."""
    return audio.speech


@pytest.fixture
def stt_usage() -> UsageCollector:
    return UsageCollector()


@pytest.fixture
async def whisper(fake_openai: FakeOpenAI, stt_usage: UsageCollector) -> AsyncIterator[OpenAIProvider]:  # noqa: F811
    provider = OpenAIProvider("sk-stt-test", base_url=fake_openai.base_url, timeout=5.0,
                              retry=RetryPolicy(max_retries=2, base_delay=0.01), recorder=stt_usage)
    yield provider
    await provider.aclose()
