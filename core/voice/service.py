"""Voice rules the bot calls: a voice note becomes a transcription job; /retry runs a kept one again.

The transcript is then handled exactly like typed text (``core.voice.jobs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.values import is_bigint
from core.errors import DomainError
from core.queue.jobs import enqueue_job
from core.queue.models import Job, QueueStatus

KIND = "voice.transcribe"
RECENT_JOBS = 200  # how far back /retry #N looks among a user's voice messages
BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the cloud Bot API's getFile limit
ERR_NOTHING_TO_RETRY = "ERR_VOICE_NOTHING_TO_RETRY"


class VoiceError(DomainError):
    """ERR_VOICE_NOTHING_TO_RETRY: /retry found no kept voice message of this user."""


@dataclass(frozen=True)
class Audio:
    """The audio of one message: what the job needs to fetch and read it."""

    file_id: str
    mime_type: str
    size: int | None
    duration: int | None


def too_big(audio: Audio, *, local_api: bool) -> bool:
    """The cloud Bot API does not let a bot download more than 20 MB (a local Bot API server does)."""
    return audio.size is not None and audio.size > BOT_API_DOWNLOAD_LIMIT and not local_api


async def transcribe(session: AsyncSession, audio: Audio, *, user_id: int, chat_id: int, message_id: int,
                     progress_outbox_id: int | None, max_attempts: int) -> None:
    """Queue the transcription of a voice message (once per message; it runs after this unit of work commits)."""
    key = f"voice:{chat_id}:{message_id}"
    await enqueue_job(session, KIND, {
        "file_id": audio.file_id, "mime_type": audio.mime_type, "duration": audio.duration, "chat_id": chat_id,
        "message_id": message_id, "progress_outbox_id": progress_outbox_id, "audio_key": key,
    }, key=key, user_id=user_id, chat_id=chat_id, max_attempts=max_attempts)


async def remember_item(session: AsyncSession, job_id: int, payload: dict[str, Any], number: int) -> None:
    """The item (#``number``) a voice message's transcript made or answered: `/retry #number` finds it again."""
    await session.execute(update(Job).where(Job.id == job_id).values(payload={**payload, "item_number": number}))


async def to_retry(session: AsyncSession, user_id: int, arg: str) -> Job:
    """The voice message behind the user's item #``arg``, or (no argument) their latest finished one, transcribed
    or not; raises VoiceError if there is none."""
    number = arg.strip().lstrip("#").strip()
    query = select(Job).where(Job.user_id == user_id, Job.kind == KIND,
                              Job.status.in_((QueueStatus.DEAD, QueueStatus.DONE))).order_by(Job.id.desc())
    if not number:
        job = await session.scalar(query.limit(1))
    elif number.isascii() and number.isdigit() and len(number) <= 19 and is_bigint(int(number)):
        recent = await session.scalars(query.limit(RECENT_JOBS))
        job = next((j for j in recent if j.payload.get("item_number") == int(number)), None)
    else:
        job = None
    if job is None:
        raise VoiceError(ERR_NOTHING_TO_RETRY, "no voice message to transcribe again")
    return job


async def retry(session: AsyncSession, job: Job, *, chat_id: int, message_id: int, progress_outbox_id: int | None,
                max_attempts: int) -> None:
    """Transcribe a kept voice message again (its audio is on disk: Telegram is not asked again)."""
    payload: dict[str, Any] = dict(job.payload, progress_outbox_id=progress_outbox_id)
    await enqueue_job(session, KIND, payload, key=f"{job.idempotency_key}:retry:{message_id}",
                      user_id=job.user_id, chat_id=chat_id, max_attempts=max_attempts)
