"""Queries on items."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.items.models import Item


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
