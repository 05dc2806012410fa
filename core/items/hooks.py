"""What happens around an item when it changes (calendar sync, reminders). Called by the items service
in the same unit of work, so that the jobs it creates commit together with the change."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.items.models import Item


async def item_changed(session: AsyncSession, item: Item) -> None:
    """An item was created, scheduled, rescheduled, done or cancelled.

    The calendar and reminders apps fill this in (enqueue their jobs); it must stay cheap and never commit.
    """
