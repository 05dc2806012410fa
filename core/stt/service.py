"""Transcribe a whole voice message or recording: normalize, cut to the provider's limits, report progress."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog

from core.ai.errors import AudioError, STTUnavailable
from core.ai.provider import AIProvider
from core.ai.types import Transcript, TranscriptChunk
from core.stt import audio

log = structlog.get_logger(__name__)

ProgressCallback = Callable[[int, int], Awaitable[None]]
DEFAULT_CHUNK_SECONDS = 600.0  # 10 minutes: ~1.8 MB of Opus, far under every provider's limit
_SIZE_MARGIN = 0.8


def chunk_seconds_for(provider: AIProvider, wanted: float = DEFAULT_CHUNK_SECONDS) -> float:
    """The longest chunk that stays well under the provider's upload limit at our Opus bitrate."""
    return max(1.0, min(wanted, provider.max_audio_bytes * _SIZE_MARGIN / audio.OPUS_BYTES_PER_SECOND))


async def transcribe_file(
    provider: AIProvider,
    audio_bytes: bytes,
    mime_type: str,
    *,
    language: str | None = None,
    on_progress: ProgressCallback | None = None,
    chunk_seconds: float = DEFAULT_CHUNK_SECONDS,
) -> Transcript:
    """Transcribe any audio file with ``provider``, chunk by chunk, calling ``on_progress(done, total)`` first
    with ``done=0`` and then after every chunk."""
    if not audio_bytes:
        raise AudioError("the audio file is empty")
    if getattr(provider, "stt_available", True) is False:
        raise STTUnavailable()
    if not audio.ffmpeg_available():
        return await _without_ffmpeg(provider, audio_bytes, mime_type, language, on_progress)

    normalized = await audio.convert(audio_bytes, fmt="ogg")
    duration = await audio.probe_duration(normalized)
    step = chunk_seconds_for(provider, chunk_seconds)
    pieces = [normalized] if duration <= step else await audio.split(normalized, step)
    total = len(pieces)
    log.info("stt.start", provider=provider.name, duration_s=round(duration, 1), chunks=total)
    if on_progress is not None:
        await on_progress(0, total)

    chunks: list[TranscriptChunk] = []
    detected: str | None = None
    start = 0.0
    for index, piece in enumerate(pieces):
        length = duration if total == 1 else await audio.probe_duration(piece)
        result = await provider.transcribe(piece, mime_type=audio.MIME["ogg"], language=language, duration_s=length)
        detected = detected or result.language
        chunks.append(TranscriptChunk(index=index, start_s=round(start, 3), end_s=round(start + length, 3),
                                      text=result.text.strip()))
        start += length
        if on_progress is not None:
            await on_progress(index + 1, total)
    text = " ".join(c.text for c in chunks if c.text)
    return Transcript(text=text, language=detected or language, duration_s=round(duration, 3), chunks=chunks)


async def _without_ffmpeg(provider: AIProvider, audio_bytes: bytes, mime_type: str, language: str | None,
                          on_progress: ProgressCallback | None) -> Transcript:
    """No ffmpeg here: send the file as it is if the provider takes it in one piece."""
    if len(audio_bytes) > provider.max_audio_bytes:
        raise AudioError("this recording is too long to send in one piece, and ffmpeg (needed to cut it) "
                         "is not installed")
    log.warning("stt.no_ffmpeg", provider=provider.name)
    if on_progress is not None:
        await on_progress(0, 1)
    result = await provider.transcribe(audio_bytes, mime_type=mime_type, language=language)
    if on_progress is not None:
        await on_progress(1, 1)
    chunk = TranscriptChunk(index=0, start_s=0.0, end_s=result.duration_s, text=result.text.strip())
    return Transcript(text=chunk.text, language=result.language or language, duration_s=result.duration_s,
                      chunks=[chunk])
