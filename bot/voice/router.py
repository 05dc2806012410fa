"""Voice notes, audio files and video notes become a transcription job; /retry runs one again."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.telegram.filters import ForThisBot, Magic
from core.i18n import Translator
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User
from core.voice import service as voice
from core.voice.service import Audio


def audio_of(message: Message) -> Audio | None:
    """The audio in a message: a voice note, an audio file, a video note or an audio document."""
    if message.voice:
        v = message.voice
        return Audio(v.file_id, v.mime_type or "audio/ogg", v.file_size, v.duration)
    if message.audio:
        a = message.audio
        return Audio(a.file_id, a.mime_type or "audio/mpeg", a.file_size, a.duration)
    if message.video_note:
        n = message.video_note
        return Audio(n.file_id, "video/mp4", n.file_size, n.duration)
    doc = message.document
    if doc and (doc.mime_type or "").startswith("audio/"):
        return Audio(doc.file_id, doc.mime_type or "audio/ogg", doc.file_size, None)
    return None


async def on_voice(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                   runtime: Runtime) -> None:
    audio = audio_of(message)
    if audio is None:
        return
    chat_id = message.chat.id
    if voice.too_big(audio, local_api=runtime.settings.telegram_api_local):
        await outbox.send_message(chat_id, t("voice.too_big", mb=round((audio.size or 0) / 1024 / 1024)),
                                  reply_to=message.message_id, parse_mode=None)
        return
    progress_id = await outbox.send_message(chat_id, t("voice.received"), reply_to=message.message_id,
                                            parse_mode=None)
    await voice.transcribe(session, audio, user_id=user.id, chat_id=chat_id, message_id=message.message_id,
                           progress_outbox_id=progress_id, max_attempts=runtime.settings.job_max_attempts)


async def retry(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                t: Translator, runtime: Runtime) -> None:
    """/retry [#N]: transcribe a kept voice message again: the latest one, or the one that made item #N."""
    job = await voice.to_retry(session, user.id, command.args or "")
    progress_id = await outbox.send_message(message.chat.id, t("voice.received"), parse_mode=None)
    await voice.retry(session, job, chat_id=message.chat.id, message_id=message.message_id,
                      progress_outbox_id=progress_id, max_attempts=runtime.settings.job_max_attempts)


def build_router() -> Router:
    router = Router(name="voice")
    router.message(Magic(F.voice | F.audio | F.video_note | F.document.mime_type.startswith("audio/")),
                   ForThisBot())(on_voice)
    router.message(Command("retry"))(retry)
    return router
