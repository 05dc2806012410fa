"""POST /api/v1/transcribe: the transcription service's contract for a signed-in user, with their own STT provider
(the same choice as for their voice notes; its usage counted to them)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from core.ai.factory import choose
from core.ai.usage import record_all
from core.stt.upload import TranscriptionOut, read_limited, transcribe_with
from webapp.deps import CurrentUser, SessionDep, SettingsDep
from webapp.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["transcribe"])

ERRORS = errors({
    413: "ERR_AUDIO_TOO_LARGE (the file is above ASR_MAX_BYTES) or ERR_BODY_TOO_LARGE",
    422: "ERR_VALIDATION (no `file`) or ERR_NOT_AUDIO (empty, or no sound in it)",
    500: "ERR_TRANSCRIPTION_FAILED: the audio could not be converted, or the recogniser failed inside",
    503: "ERR_STT_UNAVAILABLE (no speech recognition set up here) or ERR_AI_* (the provider is down or refused)",
})
AudioFile = Annotated[UploadFile, File(description="an audio recording (or a video with sound), any format ffmpeg "
                                                   "reads")]
Language = Annotated[str | None, Form(max_length=16, description="a hint such as ru or en; left out, the provider "
                                                                 "detects it")]


@router.post("/transcribe", responses=ERRORS)
async def transcribe(file: AudioFile, user: CurrentUser, session: SessionDep, settings: SettingsDep,
                     language: Language = None) -> TranscriptionOut:
    data = await read_limited(file_chunks(file), settings.asr_max_bytes)
    choice = await choose(session, settings, user.id, "stt")
    await session.commit()  # no transaction stays open while the provider thinks (SQLite has one writer)
    result, usage = await transcribe_with(choice, settings, data, file.content_type, language=language or None)
    await record_all(session, user.id, usage)
    return result


async def file_chunks(file: UploadFile, size: int = 256 * 1024) -> AsyncIterator[bytes]:
    while chunk := await file.read(size):
        yield chunk
