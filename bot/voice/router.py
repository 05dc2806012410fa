"""Voice notes, audio files and video notes become a transcription job; /retry runs one again."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import Magic
from bot.jobs import voice as voice_job
from core.i18n import Translator
from core.queue.jobs import enqueue_job
from core.queue.models import Job, QueueStatus
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User


def _media(message: Message) -> tuple[str, str, int | None, int | None] | None:
    """(file_id, mime type, size, duration) of the audio in a message."""
    if message.voice:
        v = message.voice
        return v.file_id, v.mime_type or "audio/ogg", v.file_size, v.duration
    if message.audio:
        a = message.audio
        return a.file_id, a.mime_type or "audio/mpeg", a.file_size, a.duration
    if message.video_note:
        n = message.video_note
        return n.file_id, "video/mp4", n.file_size, n.duration
    doc = message.document
    if doc and (doc.mime_type or "").startswith("audio/"):
        return doc.file_id, doc.mime_type or "audio/ogg", doc.file_size, None
    return None


async def on_voice(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                   runtime: Runtime) -> None:
    media = _media(message)
    if media is None:
        return
    file_id, mime, size, duration = media
    chat_id = message.chat.id
    local_api = runtime.settings.telegram_api_local
    if size and size > voice_job.BOT_API_DOWNLOAD_LIMIT and not local_api:
        await outbox.send_message(chat_id, t("voice.too_big", mb=round(size / 1024 / 1024)),
                                  reply_to=message.message_id, parse_mode=None)
        return
    progress_id = await outbox.send_message(chat_id, t("voice.received"), reply_to=message.message_id,
                                            parse_mode=None)
    key = f"voice:{chat_id}:{message.message_id}"
    await enqueue_job(session, voice_job.KIND, {
        "file_id": file_id, "mime_type": mime, "duration": duration, "chat_id": chat_id,
        "message_id": message.message_id, "progress_outbox_id": progress_id, "audio_key": key,
    }, key=key, user_id=user.id, chat_id=chat_id, max_attempts=runtime.settings.job_max_attempts)


async def retry(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                t: Translator, runtime: Runtime) -> None:
    """/retry [N]: transcribe a kept voice message again (the latest failed one, or job N)."""
    arg = (command.args or "").strip().lstrip("#")
    query = select(Job).where(Job.user_id == user.id, Job.kind == voice_job.KIND)
    if arg.isdigit():
        query = query.where(Job.id == int(arg))
    else:
        query = query.where(Job.status.in_((QueueStatus.DEAD, QueueStatus.DONE))).order_by(Job.id.desc())
    job = await session.scalar(query.limit(1))
    if job is None:
        await outbox.send_message(message.chat.id, t("voice.retry_none"), parse_mode=None)
        return
    progress_id = await outbox.send_message(message.chat.id, t("voice.received"), parse_mode=None)
    payload = dict(job.payload, progress_outbox_id=progress_id)
    await enqueue_job(session, voice_job.KIND, payload, key=f"{job.idempotency_key}:retry:{message.message_id}",
                      user_id=user.id, chat_id=message.chat.id, max_attempts=runtime.settings.job_max_attempts)


def build_router() -> Router:
    router = Router(name="voice")
    router.message(Magic(F.voice | F.audio | F.video_note | F.document.mime_type.startswith("audio/")))(on_voice)
    router.message(Command("retry"))(retry)
    return router
