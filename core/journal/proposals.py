"""Proposals: the entries read out of one chat message, shown as a card until the user saves them, cancels them or
keeps the message as a note. A proposal closes once: a second Save (a double tap, the Mini App and the chat at the
same time) finds it closed, so nothing is saved twice; until then its message is kept in it, so nothing is lost.
Flushes, never commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.values import storable_json, storable_text
from core.items import service as items
from core.items.models import Item, ItemKind
from core.journal import repository as repo
from core.journal import service
from core.journal.errors import JournalError, NoEntry, ProposalClosed, ProposalNotFound
from core.journal.models import Entry, Proposal, ProposalStatus
from core.journal.schemas import EntryIn, ProposalOut
from core.queue.models import Job
from core.users.models import User

REMINDER_TIME = dt.time(10, 0)  # "вернуть … через неделю" names a day, not a time
MAX_DRAFTS = 20
PROPOSE_KEY = "journal-propose:"  # the idempotency key of a proposal's job, by proposal id


async def open_proposal(session: AsyncSession, user: User, *, chat_id: int, source: str, text: str,
                        drafts: list[dict[str, Any]], message_id: int | None = None, day: dt.date | None = None,
                        reminder_text: str | None = None, note_item_id: int | None = None) -> Proposal:
    proposal = Proposal(user_id=user.id, chat_id=chat_id, source=source, text=storable_text(text),
                        drafts=storable_json(drafts[:MAX_DRAFTS]), status=ProposalStatus.OPEN, message_id=message_id,
                        day=day, reminder_text=reminder_text, note_item_id=note_item_id, entry_ids=[])
    session.add(proposal)
    await session.flush()
    return proposal


async def owned(session: AsyncSession, user_id: int, proposal_id: int, *, lock: bool = False) -> Proposal:
    query = select(Proposal).where(Proposal.id == proposal_id, Proposal.user_id == user_id)
    proposal = await session.scalar(query.with_for_update() if lock else query)
    if proposal is None:
        raise ProposalNotFound()
    return proposal


async def open_one(session: AsyncSession, user_id: int, proposal_id: int) -> Proposal:
    """The user's proposal, locked, refused (409) unless it is still open."""
    proposal = await owned(session, user_id, proposal_id, lock=True)
    if proposal.status != ProposalStatus.OPEN:
        raise ProposalClosed(proposal.status)
    return proposal


def out(proposal: Proposal) -> ProposalOut:
    return ProposalOut(id=proposal.id, status=proposal.status, source=proposal.source,  # type: ignore[arg-type]
                       text=proposal.text, drafts=list(proposal.drafts or []), entry_ids=list(proposal.entry_ids))


def _inputs(drafts: list[dict[str, Any]]) -> list[EntryIn]:
    try:
        return [EntryIn.model_validate(d) for d in drafts]
    except ValidationError as exc:
        raise JournalError("ERR_JOURNAL_BAD_FIELD", "a draft does not fit",
                           field=".".join(str(p) for p in exc.errors()[0].get("loc", ()))[:40]) from None


async def _reminder(session: AsyncSession, user: User, text: str, now: dt.datetime) -> Item:
    """A reminder item on the day the text names (a week ahead when it names none), at REMINDER_TIME."""
    _, title, parsed = items.read(text, now, user.timezone)
    day = parsed.date or (service.today(user, now) + dt.timedelta(days=7))
    item = await items.new_item(session, user.id, ItemKind.REMINDER, title, text)
    await items.schedule(session, item, items.start_at(day, parsed.time or REMINDER_TIME, user.timezone), None,
                         log=False)
    return item


async def save(session: AsyncSession, user: User, proposal_id: int, *, now: dt.datetime,
               drafts: list[EntryIn] | None = None) -> tuple[Proposal, list[Entry]]:
    """Every draft (or the ones given instead) saved as an entry, all or none; the linked reminder made; a note the
    proposal was made of closed (it is an entry now)."""
    proposal = await open_one(session, user.id, proposal_id)
    if drafts is not None:
        proposal.drafts = storable_json([d.model_dump(mode="json", by_alias=True, exclude_none=True) for d in drafts])
    inputs = drafts if drafts is not None else _inputs(list(proposal.drafts or []))
    if not inputs:
        raise JournalError("ERR_JOURNAL_NOTHING_TO_SAVE", "the proposal holds no entry")
    currency, day = await service.user_currency(session, user), proposal.day or service.today(user, now)
    for data in inputs:  # all checked before the first is saved
        service.read_entry(data, currency=currency, day=day)
    source = "chat" if proposal.source in ("text", "note", "again") else proposal.source
    entries = [await service.create(session, user, data, now=now, source=source) for data in inputs]
    if proposal.reminder_text:
        reminder = await _reminder(session, user, proposal.reminder_text, now)
        for entry in entries:
            entry.reminder_item_id = reminder.id
    if proposal.note_item_id is not None:
        note = await session.get(Item, proposal.note_item_id)
        if note is not None and note.user_id == user.id and note.status != "cancelled":
            await items.cancel(session, note)
    proposal.status = ProposalStatus.SAVED
    proposal.entry_ids = [e.id for e in entries]
    await session.flush()
    return proposal, entries


async def cancel(session: AsyncSession, user: User, proposal_id: int) -> Proposal:
    proposal = await open_one(session, user.id, proposal_id)
    proposal.status = ProposalStatus.CANCELLED
    await session.flush()
    return proposal


async def keep_as_note(session: AsyncSession, user: User, proposal_id: int) -> tuple[Proposal, Item]:
    """"Save as note": the message becomes a note (the one it was made of, if it was a note, comes back)."""
    proposal = await open_one(session, user.id, proposal_id)
    note = await session.get(Item, proposal.note_item_id) if proposal.note_item_id is not None else None
    if note is None or note.user_id != user.id:
        note = await items.create_note(session, user.id, proposal.text or _text_of(proposal), source="journal")
        photo = await _photo_of(session, proposal) if proposal.source == "photo" else None
        if photo is not None:
            note.photos = [photo]
            note.title = note.title if proposal.text else "📷"
        proposal.note_item_id = note.id
    proposal.status = ProposalStatus.NOTED
    await session.flush()
    return proposal, note


async def _photo_of(session: AsyncSession, proposal: Proposal) -> str | None:
    """The photo a proposal was made of (its job keeps the file id)."""
    payload = await session.scalar(select(Job.payload).where(Job.idempotency_key == f"{PROPOSE_KEY}{proposal.id}"))
    found = payload.get("photo_file_id") if isinstance(payload, dict) else None
    return str(found) if found else None


def _text_of(proposal: Proposal) -> str:
    return "; ".join(str(d.get("title") or d.get("note") or "") for d in proposal.drafts or []) or "—"


@dataclass(frozen=True)
class NoteToPropose:
    """What a note gives its proposal: its words (a photo's caption, empty without one) and its photos (an album's
    all), read in the photo path of the journal when it has any."""

    text: str
    photos: list[str]

    @property
    def source(self) -> str:
        return "photo" if self.photos else "note"


async def note_to_propose(session: AsyncSession, user: User, item_id: int) -> NoteToPropose:
    """The note to propose as an entry; refused when it is no open note or is proposed already (a second tap on
    "save as entry" would save it twice)."""
    item = await items.owned_by_id(session, user.id, item_id)
    taken = await session.scalar(select(Proposal.status).where(
        Proposal.user_id == user.id, Proposal.note_item_id == item_id,
        Proposal.status.in_((ProposalStatus.OPEN, ProposalStatus.SAVED))).limit(1))
    if item.kind != ItemKind.NOTE or item.status == "cancelled" or taken is not None:
        raise ProposalClosed(taken or item.status)
    if item.photos:
        return NoteToPropose(item.text or "", list(item.photos))
    return NoteToPropose(item.text or item.title, [])


async def entry_by_number(session: AsyncSession, user: User, arg: str) -> Entry:
    """/again #12 (or 12): the user's live entry #12."""
    number = arg.strip().lstrip("#").strip()
    if not (number.isascii() and number.isdigit() and 0 < len(number) <= 18):
        raise NoEntry(number[:20])
    entry = await repo.by_number(session, user.id, int(number))
    if entry is None:
        raise NoEntry(number)
    return entry


def again_draft(entry: Entry, day: dt.date) -> dict[str, Any]:
    """The entry again, dated ``day``: the card to adjust before it is saved (the spec's replay)."""
    data = service.replay_input(entry, None, day)
    return data.model_dump(mode="json", by_alias=True, exclude_none=True)
