"""The transcription service's contract over HTTP: POST /api/v1/transcribe (a signed-in user, their provider) and
`secretary asr` (a process of its own, the platform's provider): real audio to the fake OpenAI and Gemini servers,
the offline path, and each error with its status and body."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from core.ai.models import AIUsage
from core.runtime import Runtime
from tests.conftest import TEST_BOT_TOKEN
from tests.fakes.gemini_server import FakeGemini, fake_gemini  # noqa: F401
from tests.fakes.initdata import tma_header
from tests.fakes.openai_server import FakeOpenAI, Reply, fake_openai  # noqa: F401
from tests.support import audio
from tests.support.sandbox import free_port
from webapp.app import create_app
from webapp.asr import create_asr_app

USER = 6101
URL = "/api/v1/transcribe"


def signed(language: str = "en") -> dict[str, str]:
    return {**tma_header(TEST_BOT_TOKEN, USER, language_code=language), "Accept-Language": language}


def upload(data: bytes, name: str = "voice.ogg", mime: str = "audio/ogg") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, data, mime)}


@pytest.fixture
def openai_stt(runtime: Runtime, fake_openai: FakeOpenAI) -> FakeOpenAI:  # noqa: F811
    runtime.settings = runtime.settings.model_copy(update={
        "stt_provider": "openai", "openai_api_key": "sk-platform", "openai_base_url": fake_openai.base_url,
        "ai_max_retries": 0})
    return fake_openai


class TestWebApp:
    async def test_speech_comes_back_as_text_and_its_usage_is_counted_to_the_user(
            self, client: httpx.AsyncClient, openai_stt: FakeOpenAI, runtime: Runtime) -> None:
        voice = await audio.speech("Купить хлеб и молоко")
        openai_stt.enqueue(Reply.ok("Купить хлеб и молоко.", audio_seconds=1.5))
        r = await client.post(URL, files=upload(voice), data={"language": "ru"}, headers=signed())
        assert r.status_code == 200, r.text
        body = r.json()
        assert set(body) == {"text", "language", "duration_s", "provider"}
        assert (body["text"], body["language"], body["provider"]) == ("Купить хлеб и молоко.", "ru", "openai")
        assert 0.5 < body["duration_s"] < 5
        (request,) = openai_stt.requests_to("/audio/transcriptions")
        assert request.headers["authorization"] == "Bearer sk-platform"
        async with runtime.session_factory() as s:
            usage = (await s.scalars(select(AIUsage).where(AIUsage.user_id == USER))).all()
        assert [u.operation for u in usage] == ["transcribe"]

    async def test_gemini_answers_when_it_is_the_provider(self, client: httpx.AsyncClient, runtime: Runtime,
                                                          fake_gemini: FakeGemini) -> None:  # noqa: F811
        runtime.settings = runtime.settings.model_copy(update={
            "stt_provider": "gemini", "gemini_api_key": "AIza-platform", "gemini_base_url": fake_gemini.base_url,
            "ai_max_retries": 0})
        fake_gemini.enqueue(Reply.ok({"text": "buy bread", "language": "en"}))
        r = await client.post(URL, files=upload(await audio.speech("buy bread", voice="en")), headers=signed())
        assert (r.status_code, r.json()["text"], r.json()["provider"]) == (200, "buy bread", "gemini")

    async def test_offline_without_a_speech_model_is_503_with_how_to_enable_it(
            self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        runtime.settings = runtime.settings.model_copy(update={"stt_provider": "local", "openai_api_key": "",
                                                               "gemini_api_key": "", "whisper_model_path": ""})
        r = await client.post(URL, files=upload(await audio.tone(1)), headers=signed("ru"))
        assert (r.status_code, r.json()["code"]) == (503, "ERR_STT_UNAVAILABLE")
        assert r.json()["message"].startswith("Распознавание речи")

    async def test_each_bad_request_has_its_status_and_error_body(
            self, client: httpx.AsyncClient, openai_stt: FakeOpenAI, runtime: Runtime) -> None:
        audio.require("ffmpeg", "ffprobe")
        r = await client.post(URL, data={"language": "ru"}, headers=signed())
        assert (r.status_code, r.json()["code"]) == (422, "ERR_VALIDATION")
        assert r.json()["details"][0]["loc"] == ["body", "file"]
        for data in (b"", b"plain text, no sound"):
            r = await client.post(URL, files=upload(data, "notes.txt", "text/plain"), headers=signed("ru"))
            assert (r.status_code, r.json()["code"]) == (422, "ERR_NOT_AUDIO")
            assert r.json()["message"].startswith("В этом файле нет звука")
        odd = upload(audio.wav_with_unknown_codec(), "odd.wav", "audio/wav")
        r = await client.post(URL, files=odd, headers=signed())
        assert (r.status_code, r.json()["code"]) == (500, "ERR_TRANSCRIPTION_FAILED")
        assert r.json()["message"].startswith("The recording could not be transcribed")
        runtime.settings = runtime.settings.model_copy(update={"asr_max_bytes": 2000})
        r = await client.post(URL, files=upload(await audio.tone(1)), headers=signed())
        assert (r.status_code, r.json()["code"]) == (413, "ERR_AUDIO_TOO_LARGE")
        assert r.json()["message"] == "This file is too large: at most 2000 bytes."
        assert openai_stt.requests == []
        r = await client.post(URL, files=upload(await audio.tone(1)))
        assert (r.status_code, r.json()["code"]) == (401, "ERR_UNAUTHORIZED")

    async def test_a_body_far_over_the_limit_is_refused_before_it_is_read(self, runtime: Runtime) -> None:
        settings = runtime.settings.model_copy(update={"asr_max_bytes": 1000, "sandbox": False})
        app = create_app(settings, runtime=runtime, run_migrations=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.post(URL, files=upload(b"\0" * 200_000), headers=signed())
        assert (r.status_code, r.json()["code"]) == (413, "ERR_BODY_TOO_LARGE")

    async def test_the_document_lists_the_route_and_its_errors(self, client: httpx.AsyncClient) -> None:
        operation = (await client.get("/openapi.json")).json()["paths"][URL]["post"]
        assert set(operation["responses"]) == {"200", "400", "401", "413", "422", "500", "503"}


@pytest.fixture
async def asr_app(runtime: Runtime, fake_openai: FakeOpenAI) -> AsyncIterator[FastAPI]:  # noqa: F811
    yield create_asr_app(runtime.settings.model_copy(update={
        "stt_provider": "openai", "openai_api_key": "sk-asr", "openai_base_url": fake_openai.base_url,
        "ai_max_retries": 0, "asr_token": "asr-secret"}))


class TestStandaloneApp:
    async def test_health_and_transcribe_with_the_token(self, asr_app: FastAPI, fake_openai: FakeOpenAI  # noqa: F811
                                                        ) -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asr_app), base_url="http://asr") as c:
            health = (await c.get("/health")).json()
            assert health == {"status": "ok", "provider": "openai", "stt_available": True,
                              "ffmpeg": audio.audio_tools_present()}
            fake_openai.enqueue(Reply.ok("привет"))
            voice = await audio.speech("привет")
            r = await c.post("/transcribe", files=upload(voice), headers={"Authorization": "Bearer asr-secret"})
            assert (r.status_code, r.json()["text"], r.json()["provider"]) == (200, "привет", "openai")
            for headers in ({}, {"Authorization": "Bearer wrong"}):
                r = await c.post("/transcribe", files=upload(voice), headers=headers)
                assert (r.status_code, r.json()["code"]) == (401, "ERR_UNAUTHORIZED")
            r = await c.post("/transcribe", files=upload(b"text"), headers={"Authorization": "Bearer asr-secret"})
            assert (r.status_code, r.json()["code"]) == (422, "ERR_NOT_AUDIO")
            r = await c.post("/transcribe", headers={"Authorization": "Bearer asr-secret"})
            assert (r.status_code, r.json()["code"]) == (422, "ERR_VALIDATION")
        assert len(fake_openai.requests) == 1


@pytest.fixture
def asr_process(tmp_path: Path, fake_openai: FakeOpenAI) -> Iterator[str]:  # noqa: F811
    """`secretary asr --port P` in a subprocess, with the fake OpenAI as its provider."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "GEMINI_", "STT_", "ASR_"))}
    env.update(STT_PROVIDER="openai", OPENAI_API_KEY="sk-asr", OPENAI_BASE_URL=fake_openai.base_url,
               AI_MAX_RETRIES="0", DATA_DIR=str(tmp_path), LOG_LEVEL="WARNING")
    process = subprocess.Popen([sys.executable, "-m", "secretary.cli", "asr", "--port", str(port), "--host",
                                "127.0.0.1"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


class TestSecretaryAsr:
    async def test_the_process_answers_the_contract(self, asr_process: str, fake_openai: FakeOpenAI  # noqa: F811
                                                    ) -> None:
        fake_openai.enqueue(Reply.ok("завтра в девять созвон"))
        voice = await audio.speech("завтра в девять созвон")
        async with httpx.AsyncClient(base_url=asr_process, timeout=30) as c:
            assert (await c.get("/health")).json()["provider"] == "openai"
            r = await c.post("/transcribe", files=upload(voice))
            assert r.status_code == 200, r.text
            assert r.json()["text"] == "завтра в девять созвон" and r.json()["duration_s"] > 0.5
            r = await c.post("/transcribe", files=upload(b"", "empty.ogg"))
            assert (r.status_code, r.json()["code"]) == (422, "ERR_NOT_AUDIO")
            r = await c.post("/transcribe")
            assert r.status_code == 422
