"""When an item reminds its user, as durable delayed jobs.

``items.remind_at`` is the moment of the next reminder. A ``reminders.fire`` job is keyed by the item and that
moment, so each moment fires once; a job whose moment is no longer the item's (rescheduled, snoozed, done,
cancelled) does nothing when it comes due. The jobs live in the database: after downtime they run late, not
never.

A repeating item reminds of each occurrence: when one reminder fires, the next occurrence's is queued with that
occurrence in its payload. If Done or Skip moved the item there first, it is just the item's reminder; if not (the
occurrence went by unanswered), the job first moves the item on to its occurrence.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.dates.recurrence import next_occurrence
from core.db.base import utcnow
from core.items.models import Item, ItemKind, ItemStatus
from core.queue.jobs import enqueue_job
from core.users.models import User

FIRE_JOB = "reminders.fire"


def moment(value: dt.datetime) -> dt.datetime:
    """Reminder moments are whole seconds (the job key and the stale check compare them)."""
    return value.astimezone(dt.UTC).replace(microsecond=0)


def reminder_time(item: Item, minutes_before: int, now: dt.datetime) -> dt.datetime | None:
    """The next reminder moment of ``item``, or None.

    A "remind me" item reminds at its time. Anything else with a time reminds ``minutes_before`` earlier (0 =
    off); when that moment has passed but the start has not, at once — unless a reminder for this start was
    already due (then it is kept, so that a second call does not remind twice).
    """
    if item.status != ItemStatus.SCHEDULED or item.starts_at is None:
        return None
    if item.kind == ItemKind.REMINDER:
        return moment(item.starts_at)
    if minutes_before <= 0 or item.starts_at <= now:
        return None
    target = moment(item.starts_at - dt.timedelta(minutes=minutes_before))
    if target >= now:
        return target
    if item.remind_at is not None and target <= item.remind_at <= item.starts_at:
        return moment(item.remind_at)
    return moment(now)


async def enqueue_fire(session: AsyncSession, item: Item, at: dt.datetime, *,
                       occurrence: dt.datetime | None = None) -> int | None:
    """Queue the reminder at ``at``; ``occurrence`` (a repeating item's next start) lets the job move the item on to
    that occurrence when it comes."""
    at = moment(at)
    delay = max(0.0, (at - utcnow()).total_seconds())
    payload: dict[str, object] = {"item_id": item.id, "at": at.isoformat()}
    if occurrence is not None:
        payload["occurrence"] = moment(occurrence).isoformat()
    return await enqueue_job(session, FIRE_JOB, payload,
                             key=f"remind:{item.id}:{at.isoformat()}", user_id=item.user_id, chat_id=item.user_id,
                             delay=delay)


def occurrence_reminder(item: Item, start: dt.datetime, minutes_before: int) -> dt.datetime | None:
    """When the occurrence of a repeating item at ``start`` reminds: at it ("remind me"), or ``minutes_before``
    earlier (None when meeting reminders are off)."""
    if item.kind == ItemKind.REMINDER:
        return moment(start)
    return moment(start - dt.timedelta(minutes=minutes_before)) if minutes_before > 0 else None


async def queue_next_occurrence(session: AsyncSession, item: Item, tz: str, minutes_before: int) -> dt.datetime | None:
    """After a repeating item's reminder: the next occurrence's reminder is queued (the item itself moves on when it
    comes, unless Done or Skip moved it before). Returns the moment, or None."""
    if not item.recurrence or item.starts_at is None or item.status != ItemStatus.SCHEDULED:
        return None
    zone = ZoneInfo(tz)
    current = item.starts_at.astimezone(zone).replace(tzinfo=None)
    found = next_occurrence(item.recurrence, current)
    if found is None:
        return None
    start = found.replace(tzinfo=zone).astimezone(dt.UTC)
    at = occurrence_reminder(item, start, minutes_before)
    if at is not None:
        await enqueue_fire(session, item, at, occurrence=start)
    return at


async def schedule_item(session: AsyncSession, item: Item, minutes_before: int,
                        now: dt.datetime | None = None) -> dt.datetime | None:
    """Set ``item.remind_at`` from its current state and queue the reminder (idempotent)."""
    at = reminder_time(item, minutes_before, now or utcnow())
    item.remind_at = at
    if at is not None:
        await enqueue_fire(session, item, at)
    return at


async def on_item_changed(session: AsyncSession, item: Item) -> None:
    """An item changed (or is done): its next reminder moment follows its new state."""
    user = await session.get(User, item.user_id)
    await schedule_item(session, item, user.reminder_minutes if user is not None else 0)


def snooze_until(item: Item, *, minutes: int | None, tz: str, now: dt.datetime) -> dt.datetime:
    """``minutes`` from now, or (None) tomorrow at the same local time as the reminder that fired."""
    if minutes is not None:
        return moment(now + dt.timedelta(minutes=minutes))
    zone = ZoneInfo(tz)
    due = (item.remind_at or now).astimezone(zone)
    tomorrow = dt.datetime.combine(due.date() + dt.timedelta(days=1), due.time(), tzinfo=zone)
    at = moment(tomorrow)
    return at if at > now else moment(now + dt.timedelta(days=1))


async def snooze(session: AsyncSession, item: Item, at: dt.datetime) -> dt.datetime:
    item.remind_at = moment(at)
    await enqueue_fire(session, item, item.remind_at)
    await session.flush()
    return item.remind_at
