"""Voice notes through the transcription service at ASR_URL (`secretary asr`): the worker sends the audio there; while
the service is down the note waits (the job runs again later), the user is told, and nothing is lost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import select

from core.config import Settings
from core.items.models import Item
from core.queue.models import Job, QueueStatus
from core.runtime import Runtime
from secretary.bot import BotServices
from tests.fakes.openai_server import FakeOpenAI, Reply, fake_openai  # noqa: F401
from tests.support import audio
from tests.support.sandbox import SandboxClient, free_port, serve
from webapp.asr import create_asr_app


@asynccontextmanager
async def asr_service(settings: Settings, fake: FakeOpenAI, port: int) -> AsyncIterator[str]:
    """`secretary asr`'s app on 127.0.0.1:``port``, its provider the fake OpenAI."""
    app = create_asr_app(settings.model_copy(update={
        "stt_provider": "openai", "openai_api_key": "sk-asr", "openai_base_url": fake.base_url, "ai_max_retries": 0,
        "asr_token": "asr-secret"}))
    async with serve(app, port) as url:
        yield url


async def send_voice(sandbox: SandboxClient, chat_id: int, data: bytes) -> dict[str, Any]:
    r = await sandbox.http.post("/voice", data={"chat_id": str(chat_id), "duration": "1"},
                                files={"file": ("voice.ogg", data, "audio/ogg")})
    r.raise_for_status()
    result: dict[str, Any] = r.json()
    return result


@pytest.fixture
def asr_port(runtime: Runtime) -> int:
    """The worker's ASR_URL points here; its own provider is the offline one, which cannot transcribe."""
    port = free_port()
    runtime.settings = runtime.settings.model_copy(update={
        "asr_url": f"http://127.0.0.1:{port}", "asr_token": "asr-secret", "asr_timeout": 10.0,
        "stt_provider": "local", "openai_api_key": "", "gemini_api_key": "", "job_max_attempts": 100,
        "queue_backoff_base": 0.1, "queue_backoff_max": 0.5})
    return port


class TestRemoteAsr:
    async def test_a_voice_note_is_transcribed_by_the_service(
            self, asr_port: int, fake_openai: FakeOpenAI, bot_app: BotServices,  # noqa: F811
            sandbox: SandboxClient) -> None:
        fake_openai.enqueue(Reply.ok("завтра в 15:00 встреча с Иваном"))
        async with asr_service(bot_app.runtime.settings, fake_openai, asr_port):
            await send_voice(sandbox, 1501, await audio.tone(1))
            await sandbox.wait_for_text(1501, "🎙 «завтра в 15:00 встреча с Иваном»", timeout=20)
            await sandbox.wait_for_text(1501, "встреча с Иваном —", timeout=20)
        async with bot_app.runtime.session_factory() as s:
            item = await s.scalar(select(Item).where(Item.user_id == 1501))
        assert item is not None and item.status == "scheduled"
        assert len(fake_openai.requests_to("/audio/transcriptions")) == 1

    async def test_while_the_service_is_down_the_note_waits_and_the_user_is_told(
            self, asr_port: int, fake_openai: FakeOpenAI, bot_app: BotServices,  # noqa: F811
            sandbox: SandboxClient) -> None:
        await send_voice(sandbox, 1502, await audio.tone(1))
        told = await sandbox.wait_for_text(1502, "Сервис распознавания речи сейчас не отвечает", timeout=20)
        assert "Голосовое сохранено и ждёт" in told["text"]
        async with bot_app.runtime.session_factory() as s:
            job = await s.scalar(select(Job).where(Job.kind == "voice.transcribe"))
        assert job is not None and job.status in (QueueStatus.FAILED, QueueStatus.CLAIMED, QueueStatus.NEW)
        fake_openai.enqueue(Reply.ok("купить хлеб"))
        async with asr_service(bot_app.runtime.settings, fake_openai, asr_port):
            await sandbox.wait_for_text(1502, "🎙 «купить хлеб»", timeout=30)
        async with bot_app.runtime.session_factory() as s:
            job = await s.scalar(select(Job).where(Job.kind == "voice.transcribe"))
            item = await s.scalar(select(Item).where(Item.user_id == 1502))
        assert job is not None and job.status == QueueStatus.DONE and job.attempts >= 2
        assert item is not None and item.title == "купить хлеб"
