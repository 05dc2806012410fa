"""AI analysis for the API: a text is read at once (one entry per clause: "купил хлеб за 60 и молоко за 90" is two);
a link or a photo is a job (``journal.analyze``) whose state and drafts the client polls. The drafts are entries as a
form takes them (EntryIn's fields); nothing is saved until the user saves one."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import structlog
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai.factory import build_provider, choose
from core.ai.provider import AIProvider, UsageCollector
from core.ai.usage import record_all
from core.errors import DomainError, error_text
from core.i18n import translator
from core.journal import attachments, chat, pages, receipts
from core.journal.errors import AnalysisNotFound
from core.journal.models import Analysis, AnalysisStatus, EntryAttachment
from core.journal.schemas import Camel
from core.queue.jobs import JobContext, JobRegistry, enqueue_job
from core.users.models import User

log = structlog.get_logger(__name__)

JOB_KIND = "journal.analyze"  # a link or a photo sent to POST /ai/analyze (the chat's is journal.propose)
MAX_TEXT = 4_000


class AnalysisError(Camel):
    code: str
    message: str


class AnalysisOut(Camel):
    """An analysis: `done` with its drafts, `failed` with the error, or `pending` (poll GET /ai/jobs/{id})."""

    id: int | None = Field(description="the job to poll (GET /api/v1/ai/jobs/{id}); null for a text, read at once")
    kind: Literal["text", "url", "image"]
    status: Literal["pending", "done", "failed"]
    drafts: list[dict[str, Any]] | None = Field(
        description="entries as POST /api/v1/entries takes them (action, object, title, note, amount, currency, "
                    "people, place, tags, date, status, extras, aiConfidence); null until done")
    error: AnalysisError | None = None
    attachment_id: int | None = Field(default=None, description="the analysed photo, kept: PUT "
                                                                "/api/v1/entries/{id}/attachments/{attachmentId} "
                                                                "puts it on the saved entry")


async def drafts_from_text(provider: AIProvider, text: str, *, language: str, now: dt.datetime, timezone: str,
                           currency: str) -> list[dict[str, Any]]:
    """One draft per clause, each read by the provider, read as the chat reads a message (the day it names)."""
    found = chat.read_text(text, now, timezone)
    return chat.drafts_of(found, await chat.analyse(provider, found.parts, language), currency=currency)


def analysis_out(analysis: Analysis, language: str) -> AnalysisOut:
    error = None
    if analysis.error_code is not None:
        error = AnalysisError(code=analysis.error_code,
                              message=error_text(DomainError(analysis.error_code), translator(language)))
    return AnalysisOut(id=analysis.id, kind=analysis.kind, status=analysis.status,  # type: ignore[arg-type]
                       drafts=analysis.drafts, error=error, attachment_id=analysis.attachment_id)


async def start(session: AsyncSession, user: User, *, kind: Literal["url", "image"], day: dt.date,
                url: str | None = None, caption: str = "", attachment: EntryAttachment | None = None) -> Analysis:
    """Keep the request and queue its job (dispatched once the unit of work commits)."""
    request: dict[str, Any] = {"language": user.language, "day": day.isoformat(), "caption": caption[:MAX_TEXT]}
    if url is not None:
        request["url"] = str(pages.parse_url(url))  # a malformed or refused scheme: 400 now, not a failed job
    analysis = Analysis(user_id=user.id, kind=kind, status=AnalysisStatus.PENDING, request=request,
                        attachment_id=attachment.id if attachment is not None else None)
    session.add(analysis)
    await session.flush()
    await enqueue_job(session, JOB_KIND, {"analysis_id": analysis.id}, key=f"{JOB_KIND}:{analysis.id}",
                      user_id=user.id, max_attempts=3)
    return analysis


async def owned(session: AsyncSession, user: User, analysis_id: int) -> Analysis:
    analysis = await session.scalar(select(Analysis).where(Analysis.id == analysis_id, Analysis.user_id == user.id))
    if analysis is None:
        raise AnalysisNotFound()
    return analysis


async def run(ctx: JobContext) -> None:
    """Read the link or the photo with the user's provider, outside any write transaction; then keep the result."""
    analysis_id = int(ctx.job.payload["analysis_id"])
    async with ctx.units.read_only() as read:
        analysis = await read.get(Analysis, analysis_id)
        if analysis is None or analysis.status != AnalysisStatus.PENDING:
            return
        user_id, kind, request = analysis.user_id, analysis.kind, dict(analysis.request)
        photo = await read.get(EntryAttachment, analysis.attachment_id) if analysis.attachment_id else None
        photo_key = photo.key if photo is not None else None
        choice = await choose(read, ctx.settings, user_id)
    usage = UsageCollector()
    provider = build_provider(choice, ctx.settings, recorder=usage)
    language, day = str(request["language"]), dt.date.fromisoformat(request["day"])
    drafts: list[dict[str, Any]] | None = None
    code: str | None = None
    try:
        if kind == "url":
            drafts = await pages.drafts_from_url(provider, request["url"], settings=ctx.settings, language=language,
                                                 day=day)
        elif photo_key is None:
            code = "ERR_JOURNAL_ATTACHMENT_NOT_FOUND"
        else:
            image = await attachments.storage_for(ctx.settings).get(photo_key)
            drafts = await receipts.drafts_from_image(provider, image, language=language, day=day,
                                                      caption=request.get("caption", ""),
                                                      max_bytes=ctx.settings.journal_photo_max_bytes)
    except DomainError as exc:  # refused, unreachable, not a picture, the provider down after its retries…
        code = exc.code
        log.info("journal.analysis_failed", analysis_id=analysis_id, kind=kind, code=code)
    finally:
        await provider.aclose()
    await _finish(ctx.session, analysis_id, drafts, code)
    await record_all(ctx.session, user_id, usage.events)


async def _finish(session: AsyncSession, analysis_id: int, drafts: list[dict[str, Any]] | None,
                  code: str | None) -> None:
    analysis = await session.get(Analysis, analysis_id)
    if analysis is None:
        return
    analysis.status = AnalysisStatus.FAILED if code else AnalysisStatus.DONE
    analysis.drafts, analysis.error_code = drafts, code
    await session.flush()


async def on_dead(ctx: JobContext, error: str) -> None:
    """The job failed every attempt (a bug, the database away): the client is told so and may ask again."""
    await _finish(ctx.session, int(ctx.job.payload["analysis_id"]), None, "ERR_JOURNAL_ANALYSIS_FAILED")


def register(registry: JobRegistry) -> None:
    registry.register(JOB_KIND, run, on_dead)
