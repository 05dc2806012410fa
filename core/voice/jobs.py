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

from bot.factory import build_bot
from bot.routers import secretary_views as views
from core.ai.errors import STTUnavailable
from core.ai.factory import build_provider, choose
from core.ai.usage import DbUsageRecorder
from core.db.base import utcnow
from core.i18n import translator
from core.items import questions
from core.queue.jobs import JobContext, JobRegistry
from core.runtime import Runtime
from core.stt.service import transcribe_file
from core.telegram.outbox import Outbox
from core.users.models import User

log = structlog.get_logger(__name__)

KIND = "voice.transcribe"
BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the cloud Bot API's getFile limit


def audio_path(runtime: Runtime, job_key: str) -> Path:
    return runtime.settings.data_dir / "voice" / f"{job_key.replace(':', '_')}.audio"


async def fetch_audio(runtime: Runtime, payload: dict[str, Any]) -> bytes:
    """The audio bytes: kept on disk after the first download, so a retry never needs Telegram again."""
    path = audio_path(runtime, payload["audio_key"])
    if path.exists():
        return path.read_bytes()
    bot = build_bot(runtime.settings)
    try:
        file = await bot.get_file(payload["file_id"])
        if file.file_path is None:
            raise LookupError("Telegram gave no file path")
        buffer = await bot.download_file(file.file_path)
        data = buffer.read() if buffer is not None else b""
    finally:
        await bot.session.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


async def _edit_progress(runtime: Runtime, payload: dict[str, Any], job_id: int, attempt: int, text: str,
                         step: str) -> None:
    """Progress is shown at once (its own short unit of work), not when the job commits."""
    async with runtime.unit_of_work() as session:
        await Outbox(session, f"job:{job_id}:progress").edit_text(
            payload["chat_id"], text, outbox_id=payload["progress_outbox_id"], parse_mode=None,
            key=f"voice-progress:{job_id}:{attempt}:{step}")


async def transcribe(ctx: JobContext) -> None:
    runtime, payload, job = ctx.runtime, ctx.job.payload, ctx.job
    async with runtime.unit_of_work() as read:
        user = await read.get(User, job.user_id)
        if user is None:
            return
        language, tz = user.language, user.timezone
        choice = await choose(read, runtime.settings, user.id, "stt")
    t = translator(language)
    provider = build_provider(choice, runtime.settings, recorder=DbUsageRecorder(ctx.session, user.id))

    async def progress(done: int, total: int) -> None:
        if total > 1:
            await _edit_progress(runtime, payload, job.id, job.attempts, t("voice.progress", done=done, total=total),
                                 f"p{done}")

    try:
        audio = await fetch_audio(runtime, payload)
        result = await transcribe_file(provider, audio, payload.get("mime_type") or "audio/ogg",
                                       language=language, on_progress=progress)
    except STTUnavailable:
        await Outbox(ctx.session, f"job:{job.id}").edit_text(
            payload["chat_id"], t("voice.stt_unavailable", retry=f"/retry {job.id}"),
            outbox_id=payload["progress_outbox_id"], parse_mode=None)
        return
    finally:
        await provider.aclose()
    outbox = Outbox(ctx.session, f"job:{job.id}")
    text = result.text.strip()
    if not text:
        await outbox.edit_text(payload["chat_id"], t("voice.empty"), outbox_id=payload["progress_outbox_id"],
                               parse_mode=None)
        return
    await outbox.edit_text(payload["chat_id"], t("voice.transcript", text=text),
                           outbox_id=payload["progress_outbox_id"], parse_mode=None)
    outcome = await questions.handle_text(ctx.session, user.id, tz, text, now=utcnow(),
                                          ttl=runtime.settings.clarification_ttl)
    await views.send_outcome(ctx.session, outbox, payload["chat_id"], outcome, t, tz,
                             reply_to=payload.get("message_id"))


async def on_dead(ctx: JobContext, error: str) -> None:
    """Out of attempts: the audio is kept on disk; tell the user honestly and how to try again."""
    payload = ctx.job.payload
    user = await ctx.session.get(User, ctx.job.user_id)
    t = translator(user.language if user else ctx.runtime.settings.default_language)
    log.warning("voice.dead", job_id=ctx.job.id, error=error[:200])
    await Outbox(ctx.session, f"dead-job:{ctx.job.id}").edit_text(
        payload["chat_id"], t("voice.failed", retry=f"/retry {ctx.job.id}"),
        outbox_id=payload["progress_outbox_id"], parse_mode=None)


def register(registry: JobRegistry) -> None:
    registry.register(KIND, transcribe, on_dead)
