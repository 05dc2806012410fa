"""The journal's queries. Every one is scoped to one user: nobody reads another's entries, recipes or terms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, case, delete, desc, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.engine import get_by_pk
from core.journal.models import Entry, EntryTerm, EntryVersion, JournalSettings, RecipeSetting, TermKind, UserRecipe


@dataclass(frozen=True)
class EntryFilter:
    action: str | None = None
    object: str | None = None
    category: str | None = None
    status: str | None = None
    people: Sequence[str] = ()  # each of them (casefolded keys)
    tags: Sequence[str] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    has_attachments: bool | None = None
    include_deleted: bool = False
    words: Sequence[str] = field(default_factory=tuple)  # each must be in the entry (casefolded)


SORTS: dict[str, Sequence[Any]] = {
    "date": (Entry.happened_on, Entry.id), "-date": (desc(Entry.happened_on), desc(Entry.id)),
    "amount": (Entry.amount_minor, Entry.id), "-amount": (desc(Entry.amount_minor), desc(Entry.id)),
    "created": (Entry.id,), "-created": (desc(Entry.id),),
    "title": (Entry.title, Entry.id), "-title": (desc(Entry.title), desc(Entry.id)),
}


def _has_term(user_id: int, kind: TermKind, key: str) -> ColumnElement[bool]:
    return exists().where(EntryTerm.entry_id == Entry.id, EntryTerm.user_id == user_id, EntryTerm.kind == kind,
                          EntryTerm.key == key)


def conditions(user_id: int, f: EntryFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = [Entry.user_id == user_id]
    if not f.include_deleted:
        out.append(Entry.deleted_at.is_(None))
    for column, value in ((Entry.action, f.action), (Entry.object, f.object), (Entry.category, f.category),
                          (Entry.status, f.status)):
        if value is not None:
            out.append(column == value)
    out += [_has_term(user_id, TermKind.PERSON, key) for key in f.people]
    out += [_has_term(user_id, TermKind.TAG, key) for key in f.tags]
    if f.date_from is not None:
        out.append(Entry.happened_on >= f.date_from)
    if f.date_to is not None:
        out.append(Entry.happened_on <= f.date_to)
    if f.has_attachments is not None:
        out.append(Entry.attachment_count > 0 if f.has_attachments else Entry.attachment_count == 0)
    out += [Entry.search_text.contains(word, autoescape=True) for word in f.words]
    return out


async def next_number(session: AsyncSession, user_id: int) -> int:
    current = await session.scalar(select(func.max(Entry.number)).where(Entry.user_id == user_id))
    return int(current or 0) + 1


async def get(session: AsyncSession, user_id: int, entry_id: int) -> Entry | None:
    return await session.scalar(select(Entry).where(Entry.id == entry_id, Entry.user_id == user_id))


async def by_number(session: AsyncSession, user_id: int, number: int) -> Entry | None:
    return await session.scalar(select(Entry).where(Entry.user_id == user_id, Entry.number == number,
                                                    Entry.deleted_at.is_(None)))


async def page(session: AsyncSession, user_id: int, f: EntryFilter, *, sort: str, offset: int,
               limit: int) -> tuple[list[Entry], int]:
    where = conditions(user_id, f)
    total = await session.scalar(select(func.count()).select_from(Entry).where(*where))
    rows = await session.scalars(select(Entry).where(*where).order_by(*SORTS[sort]).offset(offset).limit(limit))
    return list(rows), int(total or 0)


async def entries_after(session: AsyncSession, user_id: int, after_id: int, limit: int) -> list[Entry]:
    """The user's live entries made after the one with ``after_id`` (by id), oldest first: what a stream sends next."""
    query = (select(Entry).where(Entry.user_id == user_id, Entry.id > after_id, Entry.deleted_at.is_(None))
             .order_by(Entry.id).limit(limit))
    return list(await session.scalars(query))


async def last_entry_id(session: AsyncSession, user_id: int) -> int:
    return int(await session.scalar(select(func.max(Entry.id)).where(Entry.user_id == user_id)) or 0)


async def search(session: AsyncSession, user_id: int, words: Sequence[str], limit: int) -> list[tuple[Any, ...]]:
    query = (select(Entry.id, Entry.number, Entry.title, Entry.happened_on)
             .where(*conditions(user_id, EntryFilter(words=words)))
             .order_by(desc(Entry.happened_on), desc(Entry.id)).limit(limit))
    return [tuple(row) for row in (await session.execute(query)).all()]


async def all_entries(session: AsyncSession, user_id: int) -> list[Entry]:
    return list(await session.scalars(select(Entry).where(Entry.user_id == user_id, Entry.deleted_at.is_(None))
                                      .order_by(Entry.happened_on, Entry.id)))


async def sums_by_currency(session: AsyncSession, where: Sequence[ColumnElement[bool]]) -> list[tuple[str, int]]:
    query = (select(Entry.currency, func.sum(Entry.amount_minor))
             .where(*where, Entry.amount_minor.is_not(None), Entry.currency.is_not(None))
             .group_by(Entry.currency).order_by(Entry.currency))
    return [(str(c), int(s or 0)) for c, s in (await session.execute(query)).all()]


async def count(session: AsyncSession, where: Sequence[ColumnElement[bool]]) -> int:
    return int(await session.scalar(select(func.count()).select_from(Entry).where(*where)) or 0)


async def by_category(session: AsyncSession, where: Sequence[ColumnElement[bool]]) -> list[tuple[Any, ...]]:
    """(category, currency, sum of amounts, count) — the currency and sum None for entries without an amount."""
    query = (select(Entry.category, Entry.currency, func.sum(Entry.amount_minor), func.count())
             .where(*where).group_by(Entry.category, Entry.currency))
    return [tuple(row) for row in (await session.execute(query)).all()]


async def by_day(session: AsyncSession, where: Sequence[ColumnElement[bool]]) -> list[tuple[Any, ...]]:
    """(day, currency, sum, count) per day: the months are summed from the days in Python (no dialect's date
    functions needed), a year being at most 366 rows per currency."""
    query = (select(Entry.happened_on, Entry.currency, func.sum(Entry.amount_minor), func.count())
             .where(*where).group_by(Entry.happened_on, Entry.currency).order_by(Entry.happened_on))
    return [tuple(row) for row in (await session.execute(query)).all()]


async def by_day_and_kind(session: AsyncSession, where: Sequence[ColumnElement[bool]],
                          kinds: Mapping[str, Collection[str]]) -> list[tuple[Any, ...]]:
    """(day, currency, kind, sum, count): ``kinds`` names groups of actions (the others: kind ""), so one pass over
    the entries gives the days, the months and the totals of each (the dashboard's single scan)."""
    kind = case(*[(Entry.action.in_(list(actions)), name) for name, actions in kinds.items()], else_="")
    query = (select(Entry.happened_on, Entry.currency, kind, func.sum(Entry.amount_minor), func.count())
             .where(*where).group_by(Entry.happened_on, Entry.currency, kind).order_by(Entry.happened_on))
    return [tuple(row) for row in (await session.execute(query)).all()]


async def top_terms_of_kinds(session: AsyncSession, user_id: int, kinds: Sequence[TermKind], *, limit: int,
                             date_from: dt.date, date_to: dt.date) -> dict[TermKind, list[tuple[str, int]]]:
    """The most used terms of several kinds in one query over the user's live entries of the period: kind → (value,
    count), most used first, then the most recently added. The terms (scoped to the user, read from their covering
    index) drive the join to their entries by key: a plan that stays cheap even before PostgreSQL has statistics
    (with the entries' user in the join too, a fresh table's planner loops over every term of the user per entry)."""
    n, newest = func.count(), func.max(EntryTerm.entry_id)
    ranked = (select(EntryTerm.kind.label("kind"), func.max(EntryTerm.value).label("value"), n.label("n"),
                     func.row_number().over(partition_by=EntryTerm.kind, order_by=(desc(n), desc(newest)))
                     .label("rank"))
              .join(Entry, Entry.id == EntryTerm.entry_id)
              .where(EntryTerm.user_id == user_id, EntryTerm.kind.in_(list(kinds)), Entry.deleted_at.is_(None),
                     Entry.happened_on >= date_from, Entry.happened_on <= date_to)
              .group_by(EntryTerm.kind, EntryTerm.key).subquery())
    query = (select(ranked.c.kind, ranked.c.value, ranked.c.n).where(ranked.c.rank <= limit)
             .order_by(ranked.c.kind, ranked.c.rank))
    out: dict[TermKind, list[tuple[str, int]]] = {k: [] for k in kinds}
    for kind, value, count in (await session.execute(query)).all():
        out[TermKind(kind)].append((str(value), int(count)))
    return out


async def top_terms(session: AsyncSession, user_id: int, kind: TermKind, *, limit: int, prefix: str = "",
                    date_from: dt.date | None = None, date_to: dt.date | None = None) -> list[tuple[Any, ...]]:
    """(value, count, last day, newest entry id) of the user's live entries, most used first."""
    where: list[ColumnElement[bool]] = [EntryTerm.user_id == user_id, EntryTerm.kind == kind,
                                        Entry.deleted_at.is_(None)]
    if prefix:
        where.append(EntryTerm.key.startswith(prefix, autoescape=True))
    if date_from is not None:
        where.append(Entry.happened_on >= date_from)
    if date_to is not None:
        where.append(Entry.happened_on <= date_to)
    query = (select(func.max(EntryTerm.value), func.count(), func.max(Entry.happened_on), func.max(Entry.id))
             .join(Entry, Entry.id == EntryTerm.entry_id).where(*where)
             .group_by(EntryTerm.key).order_by(desc(func.count()), desc(func.max(Entry.id))).limit(limit))
    return [tuple(row) for row in (await session.execute(query)).all()]


async def geo_of(session: AsyncSession, entry_ids: Sequence[int]) -> dict[int, tuple[float, float]]:
    if not entry_ids:
        return {}
    rows = await session.execute(select(Entry.id, Entry.geo_lat, Entry.geo_lon)
                                 .where(Entry.id.in_(entry_ids), Entry.geo_lat.is_not(None)))
    return {i: (lat, lon) for i, lat, lon in rows.all() if lat is not None and lon is not None}


async def used_currencies(session: AsyncSession, user_id: int) -> list[str]:
    query = (select(Entry.currency).where(Entry.user_id == user_id, Entry.currency.is_not(None),
                                          Entry.deleted_at.is_(None))
             .group_by(Entry.currency).order_by(desc(func.count())))
    return [str(c) for c in await session.scalars(query)]


async def replace_terms(session: AsyncSession, entry: Entry, terms: Sequence[tuple[TermKind, str]]) -> None:
    await session.execute(delete(EntryTerm).where(EntryTerm.entry_id == entry.id))
    session.add_all([EntryTerm(user_id=entry.user_id, entry_id=entry.id, kind=kind, key=value.casefold()[:255],
                               value=value[:255]) for kind, value in terms])


async def versions(session: AsyncSession, entry_id: int) -> list[EntryVersion]:
    return list(await session.scalars(select(EntryVersion).where(EntryVersion.entry_id == entry_id)
                                      .order_by(desc(EntryVersion.version))))


async def user_recipes(session: AsyncSession, user_id: int) -> list[UserRecipe]:
    return list(await session.scalars(select(UserRecipe).where(UserRecipe.user_id == user_id)
                                      .order_by(UserRecipe.id)))


async def user_recipe(session: AsyncSession, user_id: int, recipe_id: int) -> UserRecipe | None:
    return await session.scalar(select(UserRecipe).where(UserRecipe.id == recipe_id, UserRecipe.user_id == user_id))


async def recipe_settings(session: AsyncSession, user_id: int) -> list[RecipeSetting]:
    return list(await session.scalars(select(RecipeSetting).where(RecipeSetting.user_id == user_id)))


async def drop_recipe_settings(session: AsyncSession, user_id: int, keys: Sequence[str] | None = None) -> None:
    query = delete(RecipeSetting).where(RecipeSetting.user_id == user_id)
    if keys is not None:
        query = query.where(RecipeSetting.recipe_key.in_(keys))
    await session.execute(query)


async def settings(session: AsyncSession, user_id: int) -> JournalSettings | None:
    return await get_by_pk(session, JournalSettings, user_id)
