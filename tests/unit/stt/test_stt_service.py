"""transcribe_file: real audio through ffmpeg, chunked to the provider's limits, sent by the real SDKs to the
fake servers, with progress reported."""

from __future__ import annotations

import base64

import pytest
from stt_samples import Synth, probe

from core.ai.errors import ERR_AI_UNAVAILABLE, ERR_STT_UNAVAILABLE, AIProviderError, STTUnavailable
from core.ai.gemini_provider import GeminiProvider
from core.ai.local_provider import LocalProvider
from core.ai.openai_provider import OpenAIProvider
from core.ai.provider import UsageCollector
from core.ai.retry import RetryPolicy
from core.stt import audio
from core.stt.service import chunk_seconds_for, transcribe_file
from tests.fakes.gemini_server import FakeGemini
from tests.fakes.openai_server import FakeOpenAI, Reply


class Progress:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    async def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))


class TestVoiceNote:
    async def test_a_spoken_voice_note_is_normalized_and_transcribed_in_one_piece(
        self, speech: Synth, whisper: OpenAIProvider, fake_openai: FakeOpenAI, stt_usage: UsageCollector
    ) -> None:
        voice = await speech("Купить молоко и позвонить маме завтра в десять утра")
        fake_openai.enqueue(Reply.ok("Купить молоко и позвонить маме завтра в 10 утра."))
        progress = Progress()
        transcript = await transcribe_file(whisper, voice, "audio/ogg", language="ru", on_progress=progress)
        assert transcript.text == "Купить молоко и позвонить маме завтра в 10 утра."
        assert progress.calls == [(0, 1), (1, 1)]
        spoken = await audio.probe_duration(voice)
        assert transcript.duration_s == pytest.approx(spoken, abs=0.1)
        [request] = fake_openai.requests
        name, mime, uploaded = request.files["file"]
        assert (name, mime, request.form["language"]) == ("audio.ogg", "audio/ogg", "ru")
        info = await probe(uploaded)
        assert (info["codec"], info["channels"]) == ("opus", "1")
        assert stt_usage.events[-1].audio_seconds == pytest.approx(spoken, abs=0.1)


class TestLongRecording:
    async def test_it_is_cut_into_chunks_with_progress_after_each(
        self, tone: Synth, whisper: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.ok("one"), Reply.ok(""), Reply.ok("three"))
        progress = Progress()
        transcript = await transcribe_file(whisper, await tone(25), "audio/ogg", on_progress=progress,
                                           chunk_seconds=10)
        assert progress.calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
        assert transcript.text == "one three"
        assert [(c.index, c.text) for c in transcript.chunks] == [(0, "one"), (1, ""), (2, "three")]
        assert [round(c.start_s) for c in transcript.chunks] == [0, 10, 20]
        assert transcript.chunks[-1].end_s == pytest.approx(25, abs=0.2)
        assert len(fake_openai.requests_to("/audio/transcriptions")) == 3

    async def test_chunks_stay_under_the_providers_upload_limit(
        self, tone: Synth, fake_gemini: FakeGemini
    ) -> None:
        provider = GeminiProvider("AIza-stt", base_url=fake_gemini.base_url, timeout=5.0,
                                  retry=RetryPolicy(max_retries=0))
        provider.max_audio_bytes = 40_000  # pretend a tiny inline limit
        try:
            assert chunk_seconds_for(provider) == 8.0
            transcript = await transcribe_file(provider, await tone(25), "audio/ogg")
        finally:
            await provider.aclose()
        sizes = [len(base64.urlsafe_b64decode(r.json["contents"][0]["parts"][0]["inlineData"]["data"]))
                 for r in fake_gemini.requests]
        assert len(sizes) == 4
        assert max(sizes) <= 40_000
        assert len(transcript.chunks) == 4

    async def test_a_chunk_that_keeps_failing_stops_the_job_with_a_clear_error(
        self, tone: Synth, whisper: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.ok("one"), Reply.error(500), Reply.error(500), Reply.error(500))
        progress = Progress()
        with pytest.raises(AIProviderError) as caught:
            await transcribe_file(whisper, await tone(25), "audio/ogg", on_progress=progress, chunk_seconds=10)
        assert caught.value.code == ERR_AI_UNAVAILABLE
        assert progress.calls == [(0, 3), (1, 3)]


class TestWithoutStt:
    async def test_the_local_provider_without_whisper_explains_how_to_enable_it(self) -> None:
        with pytest.raises(STTUnavailable) as caught:
            await transcribe_file(LocalProvider(), b"OggS voice", "audio/ogg")
        assert caught.value.code == ERR_STT_UNAVAILABLE
        assert "STT_PROVIDER=gemini" in caught.value.message


class TestWithoutFfmpeg:
    async def test_a_short_file_is_sent_as_it_is(
        self, whisper: OpenAIProvider, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(audio, "ffmpeg_available", lambda: False)
        fake_openai.enqueue(Reply.ok("as is", audio_seconds=3.0))
        progress = Progress()
        transcript = await transcribe_file(whisper, b"ID3-mp3-bytes", "audio/mpeg", on_progress=progress)
        assert (transcript.text, transcript.duration_s, progress.calls) == ("as is", 3.0, [(0, 1), (1, 1)])
        assert fake_openai.requests[0].files["file"] == ("audio.mp3", "audio/mpeg", b"ID3-mp3-bytes")
