"""The transcription service's contract (the organizer's asr-service): one uploaded audio file in, its text out.

``POST /transcribe`` (multipart, field ``file``) → ``{"text", "language", "duration_s", "provider"}``, served by the web
app (``/api/v1/transcribe``, for a signed-in user with their own provider) and by ``secretary asr`` (a process of its
own, with the platform's provider). Errors: ERR_NOT_AUDIO (422: empty, or no sound track in it), ERR_AUDIO_TOO_LARGE
(413), ERR_TRANSCRIPTION_FAILED (500: ffmpeg could not convert what it had recognised as audio, or the provider failed
inside), ERR_STT_UNAVAILABLE / ERR_AI_* (503: no speech recognition set up here, or the provider is down).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from pydantic import BaseModel, Field

from core.ai.errors import AIProviderError, AudioError
from core.ai.factory import ProviderChoice, build_provider
from core.ai.provider import AIProvider, UsageCollector
from core.ai.types import UsageEvent
from core.config import Settings
from core.errors import DomainError
from core.stt import audio
from core.stt.service import transcribe_file

ERR_NOT_AUDIO = "ERR_NOT_AUDIO"
ERR_AUDIO_TOO_LARGE = "ERR_AUDIO_TOO_LARGE"
ERR_TRANSCRIPTION_FAILED = "ERR_TRANSCRIPTION_FAILED"
_MEDIA = ("audio/", "video/", "application/ogg")  # what a file must say it is when ffmpeg is not here to look


class TranscriptionError(DomainError):
    """A file the service cannot take (422, 413) or could not convert (500)."""

    STATUS = {ERR_NOT_AUDIO: 422, ERR_AUDIO_TOO_LARGE: 413, ERR_TRANSCRIPTION_FAILED: 500}

    def __init__(self, code: str, message: str = "", **params: object) -> None:
        super().__init__(code, message, **params)
        self.status_code = self.STATUS[code]


class TranscriptionOut(BaseModel):
    text: str = Field(description="what was said")
    language: str | None = Field(description="the language the provider heard (or was told), when it says")
    duration_s: float = Field(description="the recording's length in seconds")
    provider: str = Field(description="local, openai or gemini")


async def read_limited(chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """An upload's bytes, refused (ERR_AUDIO_TOO_LARGE) as soon as they pass ``limit``."""
    data = bytearray()
    async for chunk in chunks:
        data += chunk
        if len(data) > limit:
            raise TranscriptionError(ERR_AUDIO_TOO_LARGE, f"an audio file is at most {limit} bytes", limit=limit)
    return bytes(data)


async def check_audio(data: bytes, content_type: str | None) -> None:
    """ERR_NOT_AUDIO unless ``data`` has a sound track (ffprobe), or — without ffmpeg — at least says it is media."""
    if audio.ffmpeg_available():
        found = await audio.is_audio(data)
    else:
        found = bool(data) and (content_type or "").lower().startswith(_MEDIA)
    if not found:
        raise TranscriptionError(ERR_NOT_AUDIO, "the file is empty or has no sound in it")


async def transcribe_upload(provider: AIProvider, data: bytes, content_type: str | None, *,
                            language: str | None = None) -> TranscriptionOut:
    """Check the file is audio, then transcribe it (converted and cut to the provider's limits as a voice note is).
    The provider's own errors (not set up, down, refused) pass through with their codes."""
    await check_audio(data, content_type)
    try:
        transcript = await transcribe_file(provider, data, content_type or "application/octet-stream",
                                           language=language)
    except AudioError as exc:  # it was audio to ffprobe, yet it could not be converted or cut
        raise TranscriptionError(ERR_TRANSCRIPTION_FAILED, exc.message) from exc
    except AIProviderError:
        raise
    except (OSError, RuntimeError, ValueError) as exc:  # a runtime failure of ours (a local model, the disk)
        raise TranscriptionError(ERR_TRANSCRIPTION_FAILED, f"transcription failed: {type(exc).__name__}") from exc
    return TranscriptionOut(text=transcript.text.strip(), language=transcript.language or language,
                            duration_s=transcript.duration_s, provider=provider.name)


async def transcribe_with(choice: ProviderChoice, settings: Settings, data: bytes, content_type: str | None, *,
                          language: str | None = None) -> tuple[TranscriptionOut, list[UsageEvent]]:
    """``transcribe_upload`` with the provider of ``choice``, built for this call and closed after it; the usage it
    reported, for the caller to record (in a unit of work of its own: none stays open while a provider thinks)."""
    usage = UsageCollector()
    provider = build_provider(choice, settings, recorder=usage)
    try:
        return await transcribe_upload(provider, data, content_type, language=language), usage.events
    finally:
        await provider.aclose()
