"""Reminder rules the bot calls: minutes before meetings (/remind), the agenda time (/agenda), the buttons."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import DomainError
from core.items import repository as items_repo
from core.items import service as items_service
from core.items.models import ItemKind, ItemStatus
from core.reminders import agenda, schedule
from core.users.models import User

MAX_REMINDER_MINUTES = 7 * 24 * 60
OFF_WORDS = ("off", "выкл", "нет", "0")  # "/remind off", "/agenda выкл"


class ReminderAction(enum.StrEnum):
    """The buttons under a reminder (their values are part of the buttons' callback data: keep them)."""

    SNOOZE_10 = "s10"
    SNOOZE_60 = "s60"
    TOMORROW = "tmr"
    DONE = "done"
    SKIP = "skip"  # a repeating item: skip this occurrence


SNOOZE_MINUTES = {ReminderAction.SNOOZE_10: 10, ReminderAction.SNOOZE_60: 60}


def _bad_minutes() -> DomainError:
    return DomainError("ERR_REMINDER_MINUTES", "minutes must be between 0 and 10080")


def parse_minutes(text: str) -> int:
    """``/remind 15`` → 15; an off word → 0; anything else is ERR_REMINDER_MINUTES."""
    word = text.strip().lower()
    if word in OFF_WORDS:
        return 0
    try:
        return int(word)
    except ValueError:
        raise _bad_minutes() from None


def is_off(text: str) -> bool:
    return text.strip().lower() in OFF_WORDS


async def set_reminder_minutes(session: AsyncSession, user: User, minutes: int, now: dt.datetime) -> int:
    """Change the lead time (0 = no reminders before meetings) and move the reminders already queued.
    Returns how many upcoming items now remind at a new moment."""
    if not 0 <= minutes <= MAX_REMINDER_MINUTES:
        raise _bad_minutes()
    user.reminder_minutes = minutes
    moved = 0
    for item in await items_repo.upcoming(session, user.id, now):
        if item.kind == ItemKind.REMINDER:  # "remind me" items remind at their own time
            continue
        before = item.remind_at
        if await schedule.schedule_item(session, item, minutes, now) != before:
            moved += 1
    await session.flush()
    return moved


async def set_agenda_time(session: AsyncSession, user: User, value: str | None,
                          now: dt.datetime) -> dt.datetime | None:
    """``"HH:MM"`` (user's time zone) or None to stop; returns when the next agenda comes."""
    if value is None:
        user.agenda_time = None
        await session.flush()
        return None
    hhmm = agenda.parse_time(value)
    user.agenda_time = hhmm
    day, at = agenda.next_run(hhmm, user.timezone, now)
    await agenda.enqueue_agenda(session, user.id, day, hhmm, at, now)
    await session.flush()
    return at


class Pressed(enum.StrEnum):
    SNOOZED = "snoozed"
    DONE = "done"
    SKIPPED = "skipped"  # a repeating item's occurrence skipped
    NEXT = "next"  # a repeating item's occurrence done: the item moved on to the next one
    GONE = "gone"  # done, cancelled or not the user's: nothing to do


async def press(session: AsyncSession, user: User, item_id: int, action: ReminderAction,
                now: dt.datetime) -> tuple[Pressed, dt.datetime | None]:
    """A button under a reminder: snooze (returns the new moment), done or skip (a repeating item: returns its next
    start)."""
    item = await items_repo.by_id(session, user.id, item_id)
    if item is None or item.status != ItemStatus.SCHEDULED:
        return Pressed.GONE, None
    if action is ReminderAction.SKIP:
        await items_service.skip(session, item, now)
        return Pressed.SKIPPED, item.starts_at
    if action is ReminderAction.DONE:
        await items_service.mark_done(session, item, now)
        if item.status == ItemStatus.SCHEDULED:  # a repeating item goes on
            return Pressed.NEXT, item.starts_at
        return Pressed.DONE, None
    until = schedule.snooze_until(item, minutes=SNOOZE_MINUTES.get(action), tz=user.timezone, now=now)
    return Pressed.SNOOZED, await schedule.snooze(session, item, until)
