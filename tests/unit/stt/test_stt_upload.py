"""The transcription service's rules (core/stt/upload.py): real audio through ffmpeg to the fake providers; a file
that is no audio, too large, unconvertible; no speech recognition set up; no ffmpeg."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from stt_samples import Synth

from core.ai.errors import ERR_STT_UNAVAILABLE, STTUnavailable
from core.ai.gemini_provider import GeminiProvider
from core.ai.local_provider import LocalProvider
from core.ai.openai_provider import OpenAIProvider
from core.ai.retry import RetryPolicy
from core.stt import audio
from core.stt.upload import (
    ERR_AUDIO_TOO_LARGE,
    ERR_NOT_AUDIO,
    ERR_TRANSCRIPTION_FAILED,
    TranscriptionError,
    check_audio,
    read_limited,
    transcribe_upload,
)
from tests.fakes.gemini_server import FakeGemini
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.support.audio import wav_with_unknown_codec


async def chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


class TestTranscribeUpload:
    async def test_speech_is_transcribed_by_openai_with_its_length(
            self, speech: Synth, whisper: OpenAIProvider, fake_openai: FakeOpenAI) -> None:
        voice = await speech("Позвонить маме завтра в десять утра")
        fake_openai.enqueue(Reply.ok("Позвонить маме завтра в 10 утра."))
        result = await transcribe_upload(whisper, voice, "audio/ogg", language="ru")
        assert (result.text, result.language, result.provider) == ("Позвонить маме завтра в 10 утра.", "ru", "openai")
        assert result.duration_s == pytest.approx(await audio.probe_duration(voice), abs=0.1)

    async def test_speech_is_transcribed_by_gemini(self, speech: Synth, fake_gemini: FakeGemini) -> None:
        provider = GeminiProvider("AIza-stt", base_url=fake_gemini.base_url, timeout=5.0,
                                  retry=RetryPolicy(max_retries=0))
        fake_gemini.enqueue(Reply.ok({"text": "call mom tomorrow", "language": "en"}))
        try:
            result = await transcribe_upload(provider, await speech("call mom tomorrow", voice="en"), "audio/ogg")
        finally:
            await provider.aclose()
        assert (result.text, result.language, result.provider) == ("call mom tomorrow", "en", "gemini")
        assert result.duration_s > 0.5

    @pytest.mark.parametrize("data", [b"", b"just some text, not a recording", bytes(range(256)) * 4])
    async def test_what_has_no_sound_is_not_audio(self, ffmpeg: None, whisper: OpenAIProvider,
                                                  fake_openai: FakeOpenAI, data: bytes) -> None:
        with pytest.raises(TranscriptionError) as caught:
            await transcribe_upload(whisper, data, "audio/ogg")
        assert (caught.value.code, caught.value.status_code) == (ERR_NOT_AUDIO, 422)
        assert fake_openai.requests == []

    async def test_audio_that_cannot_be_converted_is_a_failure_of_ours(
            self, ffmpeg: None, whisper: OpenAIProvider, fake_openai: FakeOpenAI) -> None:
        with pytest.raises(TranscriptionError) as caught:
            await transcribe_upload(whisper, wav_with_unknown_codec(), "audio/wav")
        assert (caught.value.code, caught.value.status_code) == (ERR_TRANSCRIPTION_FAILED, 500)
        assert fake_openai.requests == []

    async def test_offline_without_a_speech_model_says_how_to_enable_one(self, tone: Synth) -> None:
        with pytest.raises(STTUnavailable) as caught:
            await transcribe_upload(LocalProvider(), await tone(1), "audio/ogg")
        assert (caught.value.code, caught.value.status_code) == (ERR_STT_UNAVAILABLE, 503)


class TestLimits:
    async def test_an_upload_over_the_limit_is_refused_as_soon_as_it_passes_it(self) -> None:
        assert await read_limited(chunks(b"x" * 3000), 3000) == b"x" * 3000
        with pytest.raises(TranscriptionError) as caught:
            await read_limited(chunks(b"x" * 3001), 3000)
        assert (caught.value.code, caught.value.status_code, caught.value.params) == (ERR_AUDIO_TOO_LARGE, 413,
                                                                                      {"limit": 3000})


class TestWithoutFfmpeg:
    async def test_the_declared_type_decides(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(audio, "ffmpeg_available", lambda: False)
        await check_audio(b"ID3-mp3-bytes", "audio/mpeg")
        await check_audio(b"mp4", "video/mp4")
        for data, declared in ((b"ID3-mp3-bytes", "text/plain"), (b"", "audio/ogg"), (b"x", None)):
            with pytest.raises(TranscriptionError):
                await check_audio(data, declared)
