"""What happens around an item when it changes (calendar sync, reminders). Called by the items service
in the same unit of work, so that the jobs it creates commit together with the change."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.calendar.sync import enqueue_sync, wants_event
from core.items.models import Item
from core.reminders.schedule import schedule_item
from core.users.models import User


async def item_changed(session: AsyncSession, item: Item) -> None:
    """An item was created, scheduled, rescheduled, done, cancelled or restored.

    Queues a calendar sync (the job brings the Google event to the item's state, or does nothing when the
    user has no Google calendar) and sets ``item.remind_at`` to the next reminder moment, queuing it as a
    delayed job. Cheap; never commits.
    """
    if item.id is None:
        await session.flush()
    if wants_event(item) or item.calendar_event_id is not None:
        await enqueue_sync(session, item, reason="upsert" if wants_event(item) else "delete")
    user = await session.get(User, item.user_id)
    await schedule_item(session, item, user.reminder_minutes if user is not None else 0)
