"""A chat message (typed, spoken, a note turned into an entry, /again) becomes a proposal and its card, in the unit
of work that handles the message: the proposal row and the card commit together with the update, or neither does.

With the offline provider the entries are read at once (no network); a cloud provider is asked in a job
(``journal.analyze``) and the card, sent now as "reading…", is edited when the answer is in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.ai.factory import choose
from core.ai.local_provider import LocalProvider
from core.config import Settings
from core.i18n import Translator
from core.journal import chat, service
from core.journal.models import Proposal
from core.journal.presenter import JournalPresenter
from core.journal.proposals import PROPOSE_KEY, open_proposal
from core.queue.jobs import enqueue_job
from core.telegram.outbox import Outbox
from core.users.models import User

KIND = "journal.propose"  # (journal.analyze is the API's analysis job)
BY_JOB = ("url", "photo")  # a page fetched, a photo downloaded: always in the job
CARD_REF = "journal:"  # the outbox ref of a proposal's card, by proposal id


@dataclass(frozen=True)
class Chat:
    """Where the card goes and what it answers."""

    chat_id: int
    message_id: int | None
    outbox: Outbox
    presenter: JournalPresenter
    t: Translator


async def send_card(session: AsyncSession, where: Chat, proposal: Proposal, settings: Settings) -> None:
    text, markup = where.presenter.card(proposal, where.t, base_url=settings.base_url)
    proposal.card_outbox_id = await where.outbox.send_message(
        where.chat_id, text, reply_markup=markup, reply_to=where.message_id, parse_mode=None,
        ref=f"{CARD_REF}{proposal.id}")
    await session.flush()


async def propose(session: AsyncSession, settings: Settings, user: User, text: str, where: Chat, *,
                  source: str, now: dt.datetime, note_item_id: int | None = None,
                  photo_file_ids: Sequence[str] = ()) -> Proposal:
    """The proposal of a text (a link, a photo's caption: the photos, an album's all, are read in the job) and its
    card (read now offline, or by the job)."""
    found = chat.read_text(text, now, user.timezone)
    if source in BY_JOB:
        found = chat.Reading([text], found.day, reminder=False)
    choice = await choose(session, settings, user.id, "ai")
    by_job = choice.provider != "local" or source in BY_JOB
    drafts: list[dict[str, Any]] = []
    if not by_job:
        analyses = await chat.analyse(LocalProvider.from_settings(settings), found.parts, user.language)
        drafts = chat.drafts_of(found, analyses, currency=await service.user_currency(session, user))
    proposal = await open_proposal(session, user, chat_id=where.chat_id, source=source, text=text, drafts=drafts,
                                   message_id=where.message_id, day=found.day, note_item_id=note_item_id,
                                   reminder_text=text.strip() if found.reminder else None)
    await send_card(session, where, proposal, settings)
    if by_job:
        photos = list(photo_file_ids)
        await enqueue_job(session, KIND, {"proposal_id": proposal.id, "chat_id": where.chat_id,
                                          "photo_file_id": photos[0] if photos else None, "photo_file_ids": photos},
                          key=f"{PROPOSE_KEY}{proposal.id}", user_id=user.id, chat_id=where.chat_id,
                          max_attempts=settings.job_max_attempts)
    return proposal


async def propose_drafts(session: AsyncSession, settings: Settings, user: User, drafts: list[dict[str, Any]],
                         where: Chat, *, source: str, text: str, day: dt.date) -> Proposal:
    """A proposal of ready drafts (/again) and its card."""
    proposal = await open_proposal(session, user, chat_id=where.chat_id, source=source, text=text, drafts=drafts,
                                   message_id=where.message_id, day=day)
    await send_card(session, where, proposal, settings)
    return proposal


async def take_text(session: AsyncSession, settings: Settings, user: User, text: str, where: Chat, *, source: str,
                    now: dt.datetime) -> bool:
    """A text from elsewhere (a voice note's transcript): proposed when it goes to the journal; False otherwise."""
    if not await chat.goes_to_journal(session, user, text, now):
        return False
    await propose(session, settings, user, text, where, source=source, now=now)
    return True
