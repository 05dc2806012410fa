"""Queries on items, pending questions and the undo log. Every per-user query takes the user's id."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.items.models import OPEN_STATUSES, Item, ItemChange, ItemKind, ItemStatus, PendingClarification


async def next_number(session: AsyncSession, user_id: int) -> int:
    current = await session.scalar(select(func.max(Item.number)).where(Item.user_id == user_id))
    return int(current or 0) + 1


async def count_by_status(session: AsyncSession, user_id: int | None = None) -> dict[str, int]:
    query = select(Item.status, func.count()).group_by(Item.status)
    if user_id is not None:
        query = query.where(Item.user_id == user_id)
    return {status: n for status, n in (await session.execute(query)).all()}


async def calendar_counts(session: AsyncSession) -> tuple[int, int]:
    pending = await session.scalar(select(func.count()).where(Item.calendar_event_id == "PENDING"))
    failed = await session.scalar(select(func.count()).where(Item.calendar_event_id == "FAILED"))
    return int(pending or 0), int(failed or 0)


async def latest(session: AsyncSession, limit: int = 20) -> list[Item]:
    return list((await session.scalars(select(Item).order_by(Item.id.desc()).limit(limit))).all())


async def by_number(session: AsyncSession, user_id: int, number: int) -> Item | None:
    return await session.scalar(select(Item).where(Item.user_id == user_id, Item.number == number))


async def by_id(session: AsyncSession, user_id: int, item_id: int) -> Item | None:
    return await session.scalar(select(Item).where(Item.user_id == user_id, Item.id == item_id))


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
    return await session.scalar(select(PendingClarification).where(PendingClarification.user_id == user_id))


async def drop_pending(session: AsyncSession, user_id: int, item_id: int | None = None) -> None:
    query = delete(PendingClarification).where(PendingClarification.user_id == user_id)
    if item_id is not None:
        query = query.where(PendingClarification.item_id == item_id)
    await session.execute(query)


async def last_change(session: AsyncSession, user_id: int) -> ItemChange | None:
    query = (select(ItemChange).where(ItemChange.user_id == user_id, ItemChange.undone_at.is_(None))
             .order_by(ItemChange.id.desc()).limit(1))
    return await session.scalar(query)


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
