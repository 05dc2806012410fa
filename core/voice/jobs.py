"""The voice job: fetch the audio (getFile), transcribe it with progress edits, then treat the transcript
exactly like typed text (items, dates, clarifications).

Read → think → write: the provider is chosen in a short unit of work, the download and the transcription
run outside any transaction (so SQLite is not locked while a provider thinks), and the results are written
in the job's own unit of work, which commits together with the job's DONE mark.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import structlog

from core.ai.errors import STTUnavailable
from core.ai.factory import build_provider, choose
from core.ai.provider import AIProvider
from core.ai.types import Transcript
from core.ai.usage import DbUsageRecorder
from core.config import Settings
from core.db.base import utcnow
from core.i18n import translator
from core.items import questions
from core.items.presenter import ITEMS
from core.items.replies import send_outcome
from core.queue.jobs import JobContext, JobRegistry, UnitsOfWork
from core.stt.remote import ASRUnavailable, transcribe_remote
from core.stt.service import ProgressCallback, transcribe_file
from core.telegram.gateway import TelegramGateway
from core.telegram.outbox import Outbox
from core.users.models import User
from core.voice import hooks
from core.voice.hooks import Spoken
from core.voice.service import KIND, remember_item

log = structlog.get_logger(__name__)


def audio_path(settings: Settings, job_key: str) -> Path:
    return settings.data_dir / "voice" / f"{job_key.replace(':', '_')}.audio"


async def fetch_audio(settings: Settings, telegram: TelegramGateway, payload: dict[str, Any]) -> bytes:
    """The audio bytes: kept on disk after the first download, so a retry never needs Telegram again."""
    path = audio_path(settings, payload["audio_key"])
    if path.exists():
        return path.read_bytes()
    data = await telegram.download_file(payload["file_id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


async def _edit_progress(units: UnitsOfWork, payload: dict[str, Any], job_id: int, attempt: int, text: str,
                         step: str) -> None:
    """Progress is shown at once (its own short unit of work), not when the job commits."""
    async with units.unit_of_work() as session:
        await Outbox(session, f"job:{job_id}:progress").edit_text(
            payload["chat_id"], text, outbox_id=payload["progress_outbox_id"], parse_mode=None,
            key=f"voice-progress:{job_id}:{attempt}:{step}")


async def _transcribe(ctx: JobContext, provider: AIProvider, audio: bytes, language: str,
                      progress: ProgressCallback, waiting: str) -> Transcript:
    """Here, or by the transcription service at ASR_URL. While that one is down the job fails and runs again later
    (the audio is kept on disk), and the first failure tells the user their voice message waits."""
    settings, payload, job = ctx.settings, ctx.job.payload, ctx.job
    mime = payload.get("mime_type") or "audio/ogg"
    if not settings.asr_url:
        return await transcribe_file(provider, audio, mime, language=language, on_progress=progress)
    try:
        transcript, _ = await transcribe_remote(settings.asr_url, audio, mime, language=language,
                                                token=settings.asr_token, wait_s=settings.asr_timeout)
    except ASRUnavailable:
        if job.attempts <= 1:
            await _edit_progress(ctx.units, payload, job.id, job.attempts, waiting, "asr-waiting")
        raise
    return transcript


async def transcribe(ctx: JobContext) -> None:
    settings, payload, job = ctx.settings, ctx.job.payload, ctx.job
    async with ctx.units.unit_of_work() as read:
        user = await read.get(User, job.user_id)
        if user is None:
            return
        language, tz = user.language, user.timezone
        choice = await choose(read, settings, user.id, "stt")
    t = translator(language)
    provider = build_provider(choice, settings, recorder=DbUsageRecorder(ctx.session, user.id))

    async def progress(done: int, total: int) -> None:
        if total > 1:
            await _edit_progress(ctx.units, payload, job.id, job.attempts,
                                 t("voice.progress", done=done, total=total), f"p{done}")

    outbox = ctx.outbox()
    try:
        audio = await fetch_audio(settings, ctx.telegram, payload)
        result = await _transcribe(ctx, provider, audio, language, progress, t("voice.asr_waiting"))
    except STTUnavailable:
        await outbox.edit_text(payload["chat_id"], t("voice.stt_unavailable", retry="/retry"),
                               outbox_id=payload["progress_outbox_id"], parse_mode=None)
        return
    finally:
        await provider.aclose()
    text = result.text.strip()
    if not text:
        await outbox.edit_text(payload["chat_id"], t("voice.empty"), outbox_id=payload["progress_outbox_id"],
                               parse_mode=None)
        return
    await outbox.edit_text(payload["chat_id"], t("voice.transcript", text=text),
                           outbox_id=payload["progress_outbox_id"], parse_mode=None)
    spoken = Spoken(ctx.session, settings, ctx.presenters, outbox, user, t, text, payload["chat_id"],
                    payload.get("message_id"), utcnow())
    if await hooks.offer(spoken):  # another app's (a journal entry)
        return
    outcome = await questions.handle_text(ctx.session, user.id, tz, text, now=utcnow(),
                                          ttl=settings.clarification_ttl)
    await send_outcome(ctx.session, outbox, ctx.presenters.get(ITEMS), payload["chat_id"], outcome, t, tz,
                       reply_to=payload.get("message_id"))
    await remember_item(ctx.session, job.id, payload, outcome.item.number)


async def on_dead(ctx: JobContext, error: str) -> None:
    """Out of attempts: the audio is kept on disk; tell the user honestly and how to try again."""
    payload = ctx.job.payload
    user = await ctx.session.get(User, ctx.job.user_id)
    t = translator(user.language if user else ctx.settings.default_language)
    log.warning("voice.dead", job_id=ctx.job.id, error=error[:200])
    await ctx.outbox("dead-job").edit_text(
        payload["chat_id"], t("voice.failed", retry="/retry"),
        outbox_id=payload["progress_outbox_id"], parse_mode=None)


def register(registry: JobRegistry) -> None:
    registry.register(KIND, transcribe, on_dead)
