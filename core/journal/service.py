"""The journal's rules: entries are checked on every save (the action/object pair, amount, currency, date, the
registry's fields), every change keeps the previous version, a delete is soft, and the terms the filters and the
dictionaries read follow each change. Flushes, never commits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.dates.parser import local_now
from core.db.values import storable_json, storable_text
from core.journal import repository as repo
from core.journal import search as search_index
from core.journal.catalog import catalog, category_ids
from core.journal.errors import EntryNotFound, JournalError, VersionConflict
from core.journal.fields import check_date, check_extras, check_geo, check_names, check_time
from core.journal.models import Entry, EntryVersion, JournalSettings, Routing, TermKind
from core.journal.money import check_currency, default_currency, from_minor, to_minor
from core.journal.repository import EntryFilter
from core.journal.schemas import (
    EntryBrief,
    EntryIn,
    EntryOut,
    EntryPage,
    EntryUpdate,
    Geo,
    ReplayIn,
    SearchOut,
    VersionOut,
)
from core.journal.semantic import is_valid_semantic
from core.users.models import User

MAX_PER_PAGE = 100
EXPORT_VERSION = 1
IMPORT_MAX = 20_000
CSV_COLUMNS = ("number", "date", "time", "action", "object", "title", "note", "amount", "currency", "category",
               "subcategory", "people", "place", "lat", "lon", "tags", "status", "extras")


def today(user: User, now: dt.datetime) -> dt.date:
    return local_now(now, user.timezone).date()


async def _prefs(session: AsyncSession, user: User) -> JournalSettings | None:
    """The user's journal settings; no read for a user who never set any (``User.has_journal_settings``)."""
    return await repo.settings(session, user.id) if user.has_journal_settings else None


async def user_currency(session: AsyncSession, user: User) -> str:
    prefs = await _prefs(session, user)
    return prefs.currency if prefs is not None and prefs.currency else default_currency(user.language)


async def routing(session: AsyncSession, user: User) -> Routing:
    prefs = await _prefs(session, user)
    return Routing(prefs.routing) if prefs is not None else Routing.AUTO


async def update_settings(session: AsyncSession, user: User, *, routing_name: str | None,
                          currency: str | None) -> JournalSettings:
    prefs = await repo.settings(session, user.id)  # read whatever the flag says: here is where it is set
    if prefs is None:
        prefs = JournalSettings(user_id=user.id, routing=Routing.AUTO)
        session.add(prefs)
    user.has_journal_settings = True
    if routing_name is not None:
        prefs.routing = Routing(routing_name)
    if currency is not None:
        prefs.currency = check_currency(currency)
    await session.flush()
    return prefs


def default_category(action: str, obj: str) -> str | None:
    """The category of the first shipped recipe for this pair (or for this action)."""
    recipes = catalog().recipes
    found = next((r for r in recipes if (r.action, r.object) == (action, obj)), None)
    found = found or next((r for r in recipes if r.action == action), None)
    return found.category if found else None


@dataclass(frozen=True)
class Values:
    """An entry's checked values, ready for its columns."""

    columns: dict[str, Any]


def read_entry(data: EntryIn, *, currency: str, day: dt.date) -> Values:
    """Check everything a form, the chat or an import gives; the first bad value raises its JournalError."""
    action, obj = data.action.strip().lower(), data.object.strip().lower()
    if not is_valid_semantic(action, obj):
        raise JournalError("ERR_JOURNAL_BAD_SEMANTIC", "this action does not go with this object",
                           action=action[:32], object=obj[:32])
    minor = None if data.amount is None or data.amount == "" else to_minor(data.amount)
    code = check_currency(data.currency) if data.currency else None
    if minor is not None and code is None:
        code = currency
    category = data.category.strip() if data.category else default_category(action, obj)
    if category is not None and category not in category_ids():
        raise JournalError("ERR_JOURNAL_BAD_CATEGORY", "no such category", value=category[:32])
    geo = check_geo(data.geo) if data.geo is not None else None
    title = storable_text(data.title.strip())
    if not title:
        title = storable_text((data.note.strip().split("\n")[0] or data.place or "")[:500])
    return Values({
        "action": action, "object": obj, "title": title, "note": storable_text(data.note.strip()),
        "amount_minor": minor, "currency": code if minor is not None else None,
        "category": category, "subcategory": storable_text(data.subcategory.strip()) or None
        if data.subcategory else None,
        "people": [storable_text(p) for p in check_names(data.people, "people")],
        "tags": [storable_text(t) for t in check_names(data.tags, "tags")],
        "place": storable_text(data.place.strip()) or None if data.place else None,
        "geo_lat": geo["lat"] if geo else None, "geo_lon": geo["lon"] if geo else None,
        "happened_on": check_date(data.date) if data.date else day,
        "time": check_time(data.time) if data.time else None,
        "status": data.status,
        "extras": storable_json(check_extras(data.extras)),
        "recipe_id": storable_text(data.recipe_id) if data.recipe_id else None,
        "ai_raw": storable_json(data.ai_raw) if data.ai_raw is not None else None,
        "ai_confidence": data.ai_confidence,
    })


def terms_of(entry: Entry) -> list[tuple[TermKind, str]]:
    terms = [(TermKind.TAG, t) for t in entry.tags] + [(TermKind.PERSON, p) for p in entry.people]
    return terms + ([(TermKind.PLACE, entry.place)] if entry.place else [])


def entry_out(entry: Entry) -> EntryOut:
    geo = Geo(lat=entry.geo_lat, lon=entry.geo_lon) if entry.geo_lat is not None and entry.geo_lon is not None \
        else None
    return EntryOut(
        id=entry.id, number=entry.number, action=entry.action, object=entry.object, title=entry.title,
        note=entry.note, amount=from_minor(entry.amount_minor), currency=entry.currency, category=entry.category,
        subcategory=entry.subcategory, people=list(entry.people or []), place=entry.place, geo=geo,
        tags=list(entry.tags or []), date=entry.happened_on, time=entry.time, status=entry.status,
        attachments=list(entry.attachments or []), extras=dict(entry.extras or {}), recipe_id=entry.recipe_id,
        source=entry.source, ai_confidence=entry.ai_confidence, reminder_item_id=entry.reminder_item_id,
        version=entry.version, created_at=entry.created_at, updated_at=entry.updated_at,
        deleted_at=entry.deleted_at,
    )


def snapshot(entry: Entry) -> dict[str, Any]:
    return entry_out(entry).model_dump(mode="json", by_alias=True)


async def _insert(session: AsyncSession, entry: Entry) -> None:
    """Give the entry the user's next #number; a number taken meanwhile (another request) is tried again."""
    for attempt in range(3):
        entry.number = await repo.next_number(session, entry.user_id)
        try:
            async with session.begin_nested():
                session.add(entry)
                await session.flush()
            return
        except IntegrityError:
            if attempt == 2:
                raise


async def create(session: AsyncSession, user: User, data: EntryIn, *, now: dt.datetime, source: str = "app",
                 attachments: list[dict[str, Any]] | None = None) -> Entry:
    values = read_entry(data, currency=await user_currency(session, user), day=today(user, now))
    entry = Entry(user_id=user.id, source=source, version=1, attachments=attachments or [],
                  attachment_count=len(attachments or []), **values.columns)
    await _insert(session, entry)
    await repo.replace_terms(session, entry, terms_of(entry))
    await search_index.reindex(session, [entry])
    return entry


async def owned(session: AsyncSession, user: User, entry_id: int) -> Entry:
    entry = await repo.get(session, user.id, entry_id)
    if entry is None:
        raise EntryNotFound()
    return entry


async def _keep_version(session: AsyncSession, entry: Entry, change: str) -> None:
    session.add(EntryVersion(entry_id=entry.id, version=entry.version, snapshot=snapshot(entry), change=change))
    entry.version += 1


async def update(session: AsyncSession, user: User, entry_id: int, data: EntryUpdate, *, now: dt.datetime) -> Entry:
    entry = await owned(session, user, entry_id)
    if data.version is not None and data.version != entry.version:
        raise VersionConflict(entry.version)
    if entry.deleted_at is not None:
        raise EntryNotFound("the entry is deleted (restore it first)")
    values = read_entry(data, currency=await user_currency(session, user), day=entry.happened_on)
    await _keep_version(session, entry, "updated")
    for name, value in values.columns.items():
        setattr(entry, name, value)
    entry.updated_at = now
    await repo.replace_terms(session, entry, terms_of(entry))
    await search_index.reindex(session, [entry])
    return entry


async def delete(session: AsyncSession, user: User, entry_id: int, *, now: dt.datetime) -> Entry:
    entry = await owned(session, user, entry_id)
    if entry.deleted_at is None:
        await _keep_version(session, entry, "deleted")
        entry.deleted_at = now
        await search_index.reindex(session, [entry])
    return entry


async def restore(session: AsyncSession, user: User, entry_id: int, *, now: dt.datetime) -> Entry:
    entry = await owned(session, user, entry_id)
    if entry.deleted_at is not None:
        await _keep_version(session, entry, "restored")
        entry.deleted_at = None
        entry.updated_at = now
        await search_index.reindex(session, [entry])
    return entry


async def history(session: AsyncSession, user: User, entry_id: int) -> list[VersionOut]:
    entry = await owned(session, user, entry_id)
    return [VersionOut(version=v.version, change=v.change, changed_at=v.changed_at, entry=v.snapshot)
            for v in await repo.versions(session, entry.id)]


def replay_input(entry: Entry, changes: ReplayIn | None, day: dt.date) -> EntryIn:
    """The entry again, dated ``day`` (or as ``changes`` say), with the changes applied."""
    base = entry_out(entry).model_dump(by_alias=False)
    base.update(date=day.isoformat(), status="done", ai_raw=None, ai_confidence=None,
                geo=base["geo"] if base["geo"] else None)
    if changes is not None:
        base.update({k: v for k, v in changes.model_dump(exclude_unset=True).items()})
    return EntryIn.model_validate(base)


async def replay(session: AsyncSession, user: User, entry_id: int, changes: ReplayIn | None, *,
                 now: dt.datetime, source: str = "replay") -> Entry:
    original = await owned(session, user, entry_id)
    return await create(session, user, replay_input(original, changes, today(user, now)), now=now, source=source)


def words_of(q: str | None) -> list[str]:
    return [w for w in storable_text(q or "").casefold().split() if w][:10]


async def list_entries(session: AsyncSession, user: User, f: EntryFilter, *, sort: str, page: int,
                       per_page: int) -> EntryPage:
    rows, total = await repo.page(session, user.id, f, sort=sort, offset=(page - 1) * per_page, limit=per_page)
    return EntryPage(items=[entry_out(e) for e in rows], page=page, per_page=per_page, total=total)


def make_filter(*, action: str | None = None, obj: str | None = None, category: str | None = None,
                status: str | None = None, people: list[str] | None = None, tags: list[str] | None = None,
                date_from: str | None = None, date_to: str | None = None, has_attachments: bool | None = None,
                include_deleted: bool = False, q: str | None = None) -> EntryFilter:
    start = check_date(date_from) if date_from else None
    end = check_date(date_to) if date_to else None
    if start and end and start > end:
        raise JournalError("ERR_JOURNAL_BAD_RANGE", "dateFrom is after dateTo")
    def text(value: str | None) -> str | None:  # what a column can hold (PostgreSQL refuses NUL)
        return storable_text(value) if value is not None else None

    return EntryFilter(
        action=text(action), object=text(obj), category=text(category), status=status,
        people=[storable_text(p.casefold()) for p in check_names(people or [], "people")],
        tags=[storable_text(t.casefold()) for t in check_names(tags or [], "tags")],
        date_from=start, date_to=end, has_attachments=has_attachments, include_deleted=include_deleted,
        words=words_of(q),
    )


# --- export and import -------------------------------------------------------------------------------------------

def _portable(entry: Entry) -> dict[str, Any]:
    out = snapshot(entry)
    for internal in ("id", "version", "reminderItemId", "deletedAt", "updatedAt", "aiConfidence"):
        out.pop(internal, None)
    return out


def export_document(entries: list[Entry], now: dt.datetime) -> dict[str, Any]:
    """The JSON export (what /entries/import takes) of these entries, as a dict (the ZIP export adds file names)."""
    return {"version": EXPORT_VERSION, "exportedAt": now.isoformat(), "entries": [_portable(e) for e in entries]}


def json_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


async def export_json(session: AsyncSession, user: User, now: dt.datetime) -> bytes:
    return json_bytes(export_document(await repo.all_entries(session, user.id), now))


async def export_csv(session: AsyncSession, user: User) -> bytes:
    return csv_bytes(await repo.all_entries(session, user.id))


def csv_bytes(entries: list[Entry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow([e.number, e.happened_on.isoformat(), e.time or "", e.action, e.object, e.title, e.note,
                         "" if e.amount_minor is None else f"{e.amount_minor / 100:.2f}", e.currency or "",
                         e.category or "", e.subcategory or "", "; ".join(e.people), e.place or "",
                         "" if e.geo_lat is None else e.geo_lat, "" if e.geo_lon is None else e.geo_lon,
                         "; ".join(e.tags), e.status, json.dumps(e.extras, ensure_ascii=False) if e.extras else ""])
    return ("\ufeff" + out.getvalue()).encode()  # the BOM: spreadsheets read UTF-8 then


async def import_entries(session: AsyncSession, user: User, rows: list[dict[str, Any]], *,
                         now: dt.datetime) -> int:
    """All or nothing: every row is checked before the first is saved; the first bad one is named by its index."""
    if len(rows) > IMPORT_MAX:
        raise JournalError("ERR_JOURNAL_IMPORT_TOO_LARGE", "too many entries", limit=IMPORT_MAX)
    currency, day = await user_currency(session, user), today(user, now)
    checked: list[Values] = []
    for index, row in enumerate(rows):
        try:
            checked.append(read_entry(EntryIn.model_validate(row), currency=currency, day=day))
        except ValidationError as exc:
            raise JournalError("ERR_JOURNAL_IMPORT_INVALID", "an entry does not fit", position=index + 1,
                               reason=str(exc.errors()[0].get("loc", ""))[:80]) from None
        except JournalError as exc:
            raise JournalError("ERR_JOURNAL_IMPORT_INVALID", f"entry {index}: {exc.code}", position=index + 1,
                               reason=exc.code) from None
    number = await repo.next_number(session, user.id)
    entries = [Entry(user_id=user.id, number=number + i, source="import", version=1, **v.columns)
               for i, v in enumerate(checked)]
    session.add_all(entries)
    await session.flush()
    for entry in entries:
        await repo.replace_terms(session, entry, terms_of(entry))
    await search_index.reindex(session, entries)
    return len(entries)


async def search(session: AsyncSession, user: User, q: str, limit: int) -> SearchOut:
    words = words_of(q)
    if not words:
        return SearchOut(items=[])
    rows = await repo.search(session, user.id, words, limit)
    return SearchOut(items=[EntryBrief(id=i, number=n, title=t, date=d) for i, n, t, d in rows])
