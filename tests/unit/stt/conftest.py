"""Voice fixtures made at test time (no binary files in the repo): a sine tone or espeak-ng speech, encoded by
ffmpeg like Telegram voice notes (OGG/Opus, 48 kHz). Without ffmpeg/espeak-ng these tests skip locally and
fail in CI."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from stt_samples import OPUS_OGG, Synth, run

from core.ai.openai_provider import OpenAIProvider
from core.ai.provider import UsageCollector
from core.ai.retry import RetryPolicy
from tests.fakes.gemini_server import FakeGemini, fake_gemini  # noqa: F401
from tests.fakes.openai_server import FakeOpenAI, fake_openai  # noqa: F401

IN_CI = os.environ.get("CI", "").lower() == "true"


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        if IN_CI:
            pytest.fail(f"{tool} is required in CI (apt-get install -y ffmpeg espeak-ng)")
        pytest.skip(f"{tool} is not installed")


@pytest.fixture
def ffmpeg() -> None:
    _require("ffmpeg")
    _require("ffprobe")


@pytest.fixture
def tone(ffmpeg: None) -> Synth:
    """``await tone(seconds)`` → a stereo 48 kHz OGG/Opus sine tone."""

    async def make(seconds: float, *, fmt: list[str] | None = None) -> bytes:
        return await run("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
                          "-i", f"sine=frequency=440:duration={seconds}", "-ac", "2", "-ar", "48000",
                          *(fmt or OPUS_OGG))

    return make


@pytest.fixture
def speech(ffmpeg: None) -> Synth:
    """``await speech(text, voice="ru")`` → espeak-ng speech as a Telegram-like OGG/Opus voice note."""
    _require("espeak-ng")

    async def make(text: str, *, voice: str = "ru") -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "speech.wav"
            await run("espeak-ng", "-v", voice, "-w", str(wav), text)
            return await run("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(wav), "-ac", "1",
                              "-ar", "48000", *OPUS_OGG)

    return make


@pytest.fixture
def stt_usage() -> UsageCollector:
    return UsageCollector()


@pytest.fixture
async def whisper(fake_openai: FakeOpenAI, stt_usage: UsageCollector) -> AsyncIterator[OpenAIProvider]:  # noqa: F811
    provider = OpenAIProvider("sk-stt-test", base_url=fake_openai.base_url, timeout=5.0,
                              retry=RetryPolicy(max_retries=2, base_delay=0.01), recorder=stt_usage)
    yield provider
    await provider.aclose()
