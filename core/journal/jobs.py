"""The journal's chat job. ``journal.propose``: the entries of a chat message read where it takes time — a cloud
provider reading a text, a link's page fetched (``pages``), a photo downloaded and read (``receipts``); the card sent
as "reading…" is edited to show them.

Read → think → write: the proposal and the provider are read in a short unit of work, the provider (and the page, the
photos) is asked outside any transaction, and the drafts are written in the job's own unit of work (committed with its
DONE mark). A link refused or a photo unreadable is told on the card at once (its "save as note" keeps the message; a
note's photo also gets an entry to fill in by hand); a failed provider call is retried, and out of attempts the
offline reading is proposed, so nothing is lost."""

from __future__ import annotations

from typing import Any

import structlog

from core.ai.factory import build_provider, choose
from core.ai.local_provider import LocalProvider
from core.ai.provider import AIProvider
from core.ai.usage import DbUsageRecorder
from core.db.base import utcnow
from core.errors import error_text
from core.i18n import translator
from core.journal import chat, pages, receipts, service, stats_picture
from core.journal.capture import KIND
from core.journal.errors import JournalError
from core.journal.models import Proposal, ProposalStatus
from core.journal.presenter import JOURNAL
from core.queue.jobs import JobContext, JobRegistry
from core.users.models import User

log = structlog.get_logger(__name__)


async def _write(ctx: JobContext, user: User, proposal_id: int, drafts: list[dict[str, Any]], *,
                 error: JournalError | None = None, failed: bool = False) -> None:
    proposal = await ctx.session.get(Proposal, proposal_id)
    if proposal is None or proposal.status != ProposalStatus.OPEN or proposal.user_id != user.id:
        return  # cancelled or kept as a note meanwhile
    proposal.drafts = drafts
    proposal.error_code = error.code if error is not None else ("ERR_JOURNAL_ANALYSIS_FAILED" if failed else None)
    await ctx.session.flush()
    t = translator(user.language)
    problem = error_text(error, t) if error is not None else None
    text, markup = ctx.presenters.get(JOURNAL).card(proposal, t, base_url=ctx.settings.base_url, problem=problem)
    await ctx.outbox().edit_text(proposal.chat_id, text, outbox_id=proposal.card_outbox_id, reply_markup=markup,
                                 parse_mode=None)


async def _read(ctx: JobContext) -> tuple[User, Proposal, str] | None:
    async with ctx.units.read_only() as read:
        proposal = await read.get(Proposal, ctx.job.payload["proposal_id"])
        if proposal is None or proposal.status != ProposalStatus.OPEN:
            return None
        user = await read.get(User, proposal.user_id)
        if user is None:
            return None
        currency = await service.user_currency(read, user)
        read.expunge(user)
        read.expunge(proposal)
        return user, proposal, currency


async def _drafts(ctx: JobContext, provider: AIProvider, user: User, proposal: Proposal, currency: str
                  ) -> list[dict[str, Any]]:
    day = proposal.day or service.today(user, utcnow())
    if proposal.source == "url":
        return await pages.drafts_from_url(provider, proposal.text.strip(), settings=ctx.settings,
                                           language=user.language, day=day)
    if proposal.source == "photo":
        images = [await ctx.telegram.download_file(file_id) for file_id in _photos(ctx.job.payload)]
        return await receipts.drafts_from_images(provider, images, language=user.language, day=day,
                                                 caption=proposal.text)
    return await _text_drafts(provider, user, proposal, currency)


def _photos(payload: dict[str, Any]) -> list[str]:
    """The photo's file id, or an album note's (a job queued before albums were read has the one only)."""
    return [str(f) for f in payload.get("photo_file_ids") or [payload["photo_file_id"]]]


def _unread(user: User, proposal: Proposal) -> list[dict[str, Any]]:
    """What a card keeps when its photo could not be read: for a note's photo, the entry to fill in by hand (Edit);
    for a message, nothing (its "save as note" keeps it)."""
    if proposal.note_item_id is None:
        return []
    return [receipts.starter_draft(proposal.text, day=proposal.day or service.today(user, utcnow()))]


async def _text_drafts(provider: AIProvider, user: User, proposal: Proposal, currency: str) -> list[dict[str, Any]]:
    found = chat.read_text(proposal.text, utcnow(), user.timezone)
    found = chat.Reading(found.parts, proposal.day or found.day, found.reminder)
    return chat.drafts_of(found, await chat.analyse(provider, found.parts, user.language), currency=currency)


async def propose(ctx: JobContext) -> None:
    found = await _read(ctx)
    if found is None:
        return
    user, proposal, currency = found
    async with ctx.units.read_only() as read:
        choice = await choose(read, ctx.settings, user.id, "ai")
    provider: AIProvider = build_provider(choice, ctx.settings, recorder=DbUsageRecorder(ctx.session, user.id))
    try:
        drafts = await _drafts(ctx, provider, user, proposal, currency)
    except JournalError as exc:  # a link refused, a photo unreadable: no retry makes it better
        await _write(ctx, user, proposal.id, _unread(user, proposal), error=exc)
        return
    finally:
        await provider.aclose()
    await _write(ctx, user, proposal.id, drafts)


async def on_dead(ctx: JobContext, error: str) -> None:
    """Out of attempts: a text gets the offline reading with a line saying the analysis failed; a link or a photo
    the card's "save as note" (the message is kept), a note's photo the entry to fill in by hand too."""
    log.warning("journal.propose.dead", job_id=ctx.job.id, error=error[:200])
    proposal = await ctx.session.get(Proposal, ctx.job.payload["proposal_id"])
    user = await ctx.session.get(User, proposal.user_id) if proposal is not None else None
    if proposal is None or user is None:
        return
    if proposal.source == "photo" and proposal.note_item_id is not None:
        failed = JournalError("ERR_JOURNAL_ANALYSIS_FAILED", "out of attempts")
        await _write(ctx, user, proposal.id, _unread(user, proposal), error=failed)
        return
    drafts: list[dict[str, Any]] = []
    if proposal.source not in ("url", "photo"):
        currency = await service.user_currency(ctx.session, user)
        drafts = await _text_drafts(LocalProvider.from_settings(ctx.settings), user, proposal, currency)
    await _write(ctx, user, proposal.id, drafts, failed=True)


def register(registry: JobRegistry) -> None:
    registry.register(KIND, propose, on_dead)
    stats_picture.register(registry)
