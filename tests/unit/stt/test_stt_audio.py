"""ffmpeg helpers: normalization to 16 kHz mono, duration, chunking, errors."""

from __future__ import annotations

import pytest
from stt_samples import Synth, probe

from core.ai.errors import ERR_AUDIO_INVALID, AudioError
from core.errors import error_text
from core.i18n import translator
from core.stt import audio


class TestConvert:
    async def test_any_audio_becomes_16_khz_mono_ogg_opus(self, tone: Synth) -> None:
        ogg = await audio.convert(await tone(2), fmt="ogg")
        info = await probe(ogg)
        assert (info["codec"], info["sample_rate"], info["channels"], info["format"]) == (
            "opus", "48000", "1", "ogg")  # Opus always reports 48 kHz; the input was resampled to 16 kHz first
        assert float(info["duration"]) == pytest.approx(2.0, abs=0.1)

    async def test_wav_output_is_16_khz_mono_pcm(self, tone: Synth) -> None:
        mp3_like = await tone(1, fmt=["-c:a", "pcm_s16le", "-f", "wav", "-"])
        info = await probe(await audio.convert(mp3_like, fmt="wav"))
        assert (info["codec"], info["sample_rate"], info["channels"]) == ("pcm_s16le", "16000", "1")

    async def test_garbage_is_reported_as_invalid_audio(self, ffmpeg: None) -> None:
        with pytest.raises(AudioError) as caught:
            await audio.convert(b"this is not audio at all" * 10)
        assert caught.value.code == ERR_AUDIO_INVALID
        assert error_text(caught.value, translator("en")) == "I could not read this audio file."

    async def test_empty_input(self) -> None:
        with pytest.raises(AudioError):
            await audio.convert(b"")


class TestDurationAndSplit:
    async def test_probe_duration(self, tone: Synth) -> None:
        assert await audio.probe_duration(await tone(3.5)) == pytest.approx(3.5, abs=0.05)

    async def test_split_cuts_consecutive_pieces_covering_the_whole(self, tone: Synth) -> None:
        ogg = await audio.convert(await tone(25))
        pieces = await audio.split(ogg, 10)
        durations = [await audio.probe_duration(p) for p in pieces]
        assert len(pieces) == 3
        assert durations == [pytest.approx(10, abs=0.1), pytest.approx(10, abs=0.1), pytest.approx(5, abs=0.1)]
        assert sum(durations) == pytest.approx(25, abs=0.1)
