"""Voice notes end to end: sandbox upload → getFile → STT job (real OpenAI SDK against the local fake) →
the transcript handled exactly like typed text; STT not configured; failures kept and /retry."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from core.items.models import Item
from core.queue.models import Job, QueueStatus
from core.runtime import Runtime
from secretary.bot import BotServices
from tests.conftest import IN_CI
from tests.fakes.openai_server import FakeOpenAI, Reply, fake_openai  # noqa: F401
from tests.support.sandbox import SandboxClient


def voice_note(seconds: float = 1.0) -> bytes:
    """A Telegram-like OGG/Opus voice note made now with ffmpeg (no binary fixtures in the repo)."""
    if shutil.which("ffmpeg") is None:
        if IN_CI:
            pytest.fail("ffmpeg is required in CI")
        pytest.skip("ffmpeg not installed")
    return subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", f"sine=frequency=300:duration={seconds}",
         "-ac", "1", "-ar", "48000", "-c:a", "libopus", "-f", "ogg", "pipe:1"],
        check=True, capture_output=True,
    ).stdout


async def send_voice(sandbox: SandboxClient, chat_id: int, audio: bytes) -> dict[str, Any]:
    r = await sandbox.http.post("/voice", data={"chat_id": str(chat_id), "duration": "1"},
                                files={"file": ("voice.ogg", audio, "audio/ogg")})
    r.raise_for_status()
    result: dict[str, Any] = r.json()
    return result


@pytest.fixture
async def openai_stt(runtime: Runtime, fake_openai: FakeOpenAI) -> AsyncIterator[FakeOpenAI]:  # noqa: F811
    runtime.settings = runtime.settings.model_copy(update={
        "stt_provider": "openai", "openai_api_key": "sk-test-platform-key", "openai_base_url": fake_openai.base_url,
        "ai_max_retries": 0, "job_max_attempts": 2, "queue_backoff_base": 0.05, "queue_backoff_max": 0.1,
    })
    yield fake_openai


class TestVoiceNote:
    async def test_transcript_becomes_a_scheduled_meeting(self, openai_stt: FakeOpenAI, bot_app: BotServices,
                                                          sandbox: SandboxClient) -> None:
        openai_stt.enqueue(Reply.ok("завтра в 15:00 встреча с Иваном", audio_seconds=1.0))
        await send_voice(sandbox, 1401, voice_note())
        transcript = await sandbox.wait_for_text(1401, "🎙 «завтра в 15:00 встреча с Иваном»", timeout=20)
        assert transcript["edited"]
        async with bot_app.runtime.session_factory() as s:
            item = await s.scalar(select(Item).where(Item.user_id == 1401))
        assert item is not None and item.kind == "meeting" and item.status == "scheduled"
        assert item.title == "встреча с Иваном" and item.source in ("text", "voice")
        (request,) = openai_stt.requests_to("/audio/transcriptions")
        assert request.headers["authorization"] == "Bearer sk-test-platform-key"


class TestSttNotConfigured:
    async def test_voice_is_kept_and_the_user_is_told_how_to_enable(self, bot_app: BotServices,
                                                                    sandbox: SandboxClient) -> None:
        await send_voice(sandbox, 1402, voice_note())
        msg = await sandbox.wait_for_text(1402, "Распознавание речи здесь выключено", timeout=20)
        assert "/key" in msg["text"] and msg["text"].endswith("потом отправьте /retry.")
        async with bot_app.runtime.session_factory() as s:
            job = await s.scalar(select(Job).where(Job.kind == "voice.transcribe"))
        assert job is not None and job.status == QueueStatus.DONE
        path = bot_app.runtime.settings.data_dir / "voice"
        assert len(list(path.iterdir())) == 1  # the audio is kept for /retry


class TestFailures:
    async def test_dead_after_retries_then_retry_succeeds(self, openai_stt: FakeOpenAI, bot_app: BotServices,
                                                          sandbox: SandboxClient) -> None:
        openai_stt.enqueue(Reply.error(500), Reply.error(500))
        await send_voice(sandbox, 1403, voice_note())
        msg = await sandbox.wait_for_text(1403, "Не удалось распознать", timeout=20)
        async with bot_app.runtime.session_factory() as s:
            job = await s.scalar(select(Job).where(Job.kind == "voice.transcribe"))
        assert job is not None and job.status == QueueStatus.DEAD and "отправьте /retry," in msg["text"]
        openai_stt.enqueue(Reply.ok("купить хлеб"))
        await sandbox.say(1403, "/retry")  # no item yet: the latest voice message
        await sandbox.wait_for_text(1403, "🎙 «купить хлеб»", timeout=20)


@pytest.fixture
def stt_only(runtime: Runtime, openai_stt: FakeOpenAI) -> FakeOpenAI:
    """OpenAI transcribes; the text is read offline (so that every reply queued is a transcript)."""
    runtime.settings = runtime.settings.model_copy(update={"ai_provider": "local"})
    return openai_stt


class TestRetryByItem:
    async def test_retry_takes_the_items_number_the_user_sees(self, stt_only: FakeOpenAI, bot_app: BotServices,
                                                              sandbox: SandboxClient) -> None:
        openai_stt = stt_only
        for text in ("заметка соседа", "ещё одна", "и третья"):  # someone else's notes (and jobs) come first
            await sandbox.say(1406, text, language_code="ru")
        await sandbox.wait_for(1406, lambda ms: len(ms) >= 3)
        openai_stt.enqueue(Reply.ok("купить хлеп"))  # misheard
        await send_voice(sandbox, 1404, voice_note())
        await sandbox.wait_for_text(1404, "#1 задача: купить хлеп", timeout=20)
        await sandbox.say(1404, "вторая заметка", language_code="ru")
        await sandbox.wait_for_text(1404, "#2")
        async with bot_app.runtime.session_factory() as s:
            job = await s.scalar(select(Job).where(Job.kind == "voice.transcribe"))
        assert job is not None and job.id != 1  # so #1 can only be the item's number
        openai_stt.enqueue(Reply.ok("купить хлеб"))
        await sandbox.say(1404, "/retry #1")
        await sandbox.wait_for_text(1404, "🎙 «купить хлеб»", timeout=20)
        await sandbox.say(1404, "/retry #2")  # #2 was typed: no voice message behind it
        await sandbox.wait_for_text(1404, "Нет голосового сообщения для повтора.")


class TestOfflineSpeech:
    async def test_the_ai_card_and_a_voice_note_say_the_same(self, bot_app: BotServices,
                                                             sandbox: SandboxClient) -> None:
        await sandbox.say(1405, "/ai", language_code="en")
        card = await sandbox.wait_for_text(1405, "Speech recognition: ")
        assert "Speech recognition: off (no offline speech model here: add a key with /key)" in card["text"]
        await send_voice(sandbox, 1405, voice_note())
        await sandbox.wait_for_text(1405, "Speech recognition is off here", timeout=20)
