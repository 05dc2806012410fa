"""Queries the calendar needs on items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.items.models import Item, ItemStatus

TIMED_STATUSES = (ItemStatus.SCHEDULED, ItemStatus.DONE)  # an inbox item's time is not settled


async def feed_items(session: AsyncSession, user_id: int, since: datetime, limit: int = 2000) -> list[Item]:
    """The user's timed (or dated) items from ``since`` on, cancelled ones left out."""
    query = (
        select(Item)
        .where(Item.user_id == user_id, Item.status != ItemStatus.CANCELLED,
               or_(Item.status.in_(TIMED_STATUSES) & (Item.starts_at >= since),
                   Item.starts_at.is_(None) & (Item.due_date >= since.date())))
        .order_by(Item.starts_at, Item.due_date, Item.id)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())
