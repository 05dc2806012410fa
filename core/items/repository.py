"""Queries on items, pending questions and the undo log. Every per-user query takes the user's id."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, bindparam, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.items.models import OPEN_STATUSES, Item, ItemChange, ItemKind, ItemMessage, ItemStatus, PendingClarification

# Statements every note runs, built once (a statement built per call costs its cache key each time).
_LAST_NUMBER = select(func.max(Item.number)).where(Item.user_id == bindparam("user_id"))
_PENDING = select(PendingClarification).where(PendingClarification.user_id == bindparam("user_id"))


async def next_number(session: AsyncSession, user_id: int) -> int:
    current = await session.scalar(_LAST_NUMBER, {"user_id": user_id})
    return int(current or 0) + 1


async def count_by_status(session: AsyncSession, user_id: int | None = None) -> dict[str, int]:
    query = select(Item.status, func.count()).group_by(Item.status)
    if user_id is not None:
        query = query.where(Item.user_id == user_id)
    return {status: n for status, n in (await session.execute(query)).all()}


async def calendar_counts(session: AsyncSession, user_id: int | None = None) -> tuple[int, int]:
    """Items whose calendar sync waits for a retry (PENDING) and whose sync gave up (FAILED): all, or one user's."""
    mine = [Item.user_id == user_id] if user_id is not None else []
    pending = await session.scalar(select(func.count()).where(Item.calendar_event_id == "PENDING", *mine))
    failed = await session.scalar(select(func.count()).where(Item.calendar_event_id == "FAILED", *mine))
    return int(pending or 0), int(failed or 0)


async def latest(session: AsyncSession, limit: int = 20) -> list[Item]:
    return list((await session.scalars(select(Item).order_by(Item.id.desc()).limit(limit))).all())


def _locking(query: Select[Item], lock: bool) -> Select[Item]:
    """``lock``: the row is locked until the unit of work ends (PostgreSQL; SQLite's writers are serialized by BEGIN
    IMMEDIATE already), and read as the last commit left it. A change made at the same moment elsewhere (the bot and
    the API on one item) then waits, and sees the first one's result instead of doing it again."""
    return query.with_for_update().execution_options(populate_existing=True) if lock else query


async def by_number(session: AsyncSession, user_id: int, number: int, *, lock: bool = False) -> Item | None:
    return await session.scalar(_locking(select(Item).where(Item.user_id == user_id, Item.number == number), lock))


async def by_id(session: AsyncSession, user_id: int, item_id: int, *, lock: bool = False) -> Item | None:
    return await session.scalar(_locking(select(Item).where(Item.user_id == user_id, Item.id == item_id), lock))


async def by_message(session: AsyncSession, user_id: int, chat_id: int, message_id: int) -> Item | None:
    """The user's item made of this chat message — the message that made it, or an album photo that joined it —
    locked for the change about to be made."""
    joined = select(ItemMessage.item_id).where(ItemMessage.chat_id == chat_id, ItemMessage.message_id == message_id)
    made = and_(Item.chat_id == chat_id, Item.message_id == message_id)
    query = select(Item).where(Item.user_id == user_id, or_(made, Item.id.in_(joined)))
    return await session.scalar(_locking(query, True))


async def by_media_group(session: AsyncSession, user_id: int, chat_id: int, media_group_id: str) -> Item | None:
    """The user's item an album's first photo made (locked, as the next photos join it)."""
    query = select(Item).where(Item.user_id == user_id, Item.chat_id == chat_id,
                               Item.media_group_id == media_group_id).order_by(Item.id).limit(1)
    return await session.scalar(_locking(query, True))


def _open(user_id: int, kind: ItemKind | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Item.user_id == user_id, Item.status.in_(OPEN_STATUSES)]
    if kind is not None:
        conditions.append(Item.kind == kind)
    return conditions


async def count_open(session: AsyncSession, user_id: int, kind: ItemKind | None = None) -> int:
    return int(await session.scalar(select(func.count()).select_from(Item).where(*_open(user_id, kind))) or 0)


async def open_page(session: AsyncSession, user_id: int, kind: ItemKind | None, offset: int, limit: int
                    ) -> list[Item]:
    query = select(Item).where(*_open(user_id, kind)).order_by(Item.number).offset(offset).limit(limit)
    return list((await session.scalars(query)).all())


async def agenda(session: AsyncSession, user_id: int, start: datetime, end: datetime, first_day: date,
                 last_day: date) -> list[Item]:
    """Open items that start in [start, end), or that are due on a day in [first_day, last_day] with no time."""
    query = select(Item).where(
        Item.user_id == user_id, Item.status.in_(OPEN_STATUSES),
        or_(
            (Item.starts_at >= start) & (Item.starts_at < end),
            Item.starts_at.is_(None) & (Item.due_date >= first_day) & (Item.due_date <= last_day),
        ),
    )
    return list((await session.scalars(query)).all())


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search(session: AsyncSession, user_id: int, words: list[str], limit: int) -> tuple[list[Item], int]:
    """Items whose casefolded title + text contain every word; newest first; and how many there are."""
    conditions = [Item.user_id == user_id]
    conditions += [Item.search_text.like(f"%{_like_escape(w.casefold())}%", escape="\\") for w in words]
    total = int(await session.scalar(select(func.count()).select_from(Item).where(*conditions)) or 0)
    found = await session.scalars(select(Item).where(*conditions).order_by(Item.number.desc()).limit(limit))
    return list(found.all()), total


async def pending_for(session: AsyncSession, user_id: int) -> PendingClarification | None:
    return await session.scalar(_PENDING, {"user_id": user_id})


async def drop_pending(session: AsyncSession, user_id: int, item_id: int | None = None) -> None:
    query = delete(PendingClarification).where(PendingClarification.user_id == user_id)
    if item_id is not None:
        query = query.where(PendingClarification.item_id == item_id)
    await session.execute(query)


async def last_change(session: AsyncSession, user_id: int, item_id: int | None = None) -> ItemChange | None:
    """The user's last change not undone yet (of one item, with ``item_id``)."""
    query = select(ItemChange).where(ItemChange.user_id == user_id, ItemChange.undone_at.is_(None))
    if item_id is not None:
        query = query.where(ItemChange.item_id == item_id)
    return await session.scalar(query.order_by(ItemChange.id.desc()).limit(1))


async def upcoming(session: AsyncSession, user_id: int, now: datetime) -> list[Item]:
    """The user's scheduled items that have not started yet, soonest first."""
    query = (
        select(Item)
        .where(Item.user_id == user_id, Item.status == ItemStatus.SCHEDULED, Item.starts_at > now)
        .order_by(Item.starts_at)
    )
    return list((await session.scalars(query)).all())


async def recent(session: AsyncSession, user_id: int, limit: int) -> list[Item]:
    """The user's latest items, newest first."""
    query = select(Item).where(Item.user_id == user_id).order_by(Item.id.desc()).limit(limit)
    return list((await session.scalars(query)).all())


Window = tuple[datetime | None, datetime | None, date | None, date | None]


def filtered(user_id: int, *, statuses: list[str], kind: str | None, window: Window | None, words: list[str]
             ) -> Select[Item]:
    """The user's items with any of ``statuses`` (all when empty), of ``kind``, containing every word, and — with a
    ``window`` (start, end, first_day, last_day; None is open) — that start in [start, end) or, without a time, are
    due on a day in [first_day, last_day]."""
    conditions: list[ColumnElement[bool]] = [Item.user_id == user_id]
    if statuses:
        conditions.append(Item.status.in_(statuses))
    if kind is not None:
        conditions.append(Item.kind == kind)
    conditions += [Item.search_text.like(f"%{_like_escape(w.casefold())}%", escape="\\") for w in words]
    if window is not None:
        start, end, first_day, last_day = window
        timed: list[ColumnElement[bool]] = [Item.starts_at.is_not(None)]
        timed += [Item.starts_at >= start] if start is not None else []
        timed += [Item.starts_at < end] if end is not None else []
        dated: list[ColumnElement[bool]] = [Item.starts_at.is_(None), Item.due_date.is_not(None)]
        dated += [Item.due_date >= first_day] if first_day is not None else []
        dated += [Item.due_date <= last_day] if last_day is not None else []
        conditions.append(or_(and_(*timed), and_(*dated)))
    return select(Item).where(*conditions)


async def count_of(session: AsyncSession, query: Select[Item]) -> int:
    return int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)


async def all_of(session: AsyncSession, query: Select[Item], *, offset: int = 0, limit: int | None = None
                 ) -> list[Item]:
    return list((await session.scalars(query.order_by(Item.number.desc()).offset(offset).limit(limit))).all())
