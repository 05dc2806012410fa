"""The per-user ICS feed (RFC 5545) that Google, Apple and Outlook calendars subscribe to.

A repeating item is one recurring event: DTSTART (in the user's zone, with its VTIMEZONE) is the occurrence now
due, RRULE the rule; the occurrences already done or skipped are behind it, so they leave the feed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vRecur

from core.calendar.events import event_from_item, event_id_for
from core.items.models import Item, ItemKind, ItemStatus

PRODID = "-//Secretary//Secretary calendar//EN"
REFRESH = timedelta(minutes=15)


def _uid(item: Item) -> str:
    return f"{event_id_for(item.user_id, item.id)}@secretary"


def _event(item: Item, timezone: str, reminder_minutes: int, now: datetime) -> Event:
    event = Event()
    event.add("uid", _uid(item))
    event.add("dtstamp", item.updated_at or now)
    repeats = bool(item.recurrence) and item.status != ItemStatus.DONE
    if item.starts_at is not None:
        data = event_from_item(item, timezone)
        event.add("summary", data.summary)
        if data.description:
            event.add("description", data.description)
        if repeats:  # a repeating event keeps its wall-clock time: DTSTART in the user's zone (TZID), not UTC
            zone = ZoneInfo(timezone)
            event.add("dtstart", data.start.astimezone(zone))
            event.add("dtend", data.end.astimezone(zone))
        else:
            event.add("dtstart", data.start)
            event.add("dtend", data.end)
    else:
        assert item.due_date is not None
        event.add("summary", item.title or f"#{item.number}")
        event.add("description", f"#{item.number}")
        event.add("dtstart", item.due_date)
        event.add("dtend", item.due_date + timedelta(days=1))
    if repeats and item.recurrence:
        event.add("rrule", vRecur.from_ical(item.recurrence))
    event.add("status", "CONFIRMED")
    if item.status == ItemStatus.SCHEDULED and item.starts_at is not None:
        before = 0 if item.kind == ItemKind.REMINDER else reminder_minutes
        if item.kind == ItemKind.REMINDER or before > 0:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", item.title or f"#{item.number}")
            alarm.add("trigger", timedelta(minutes=-before))
            event.add_component(alarm)
    return event


def build_feed(items: list[Item], *, timezone: str, reminder_minutes: int, now: datetime,
               name: str = "Secretary") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT15M")
    for item in items:
        if item.status == ItemStatus.CANCELLED or (item.starts_at is None and item.due_date is None):
            continue
        calendar.add_component(_event(item, timezone, reminder_minutes, now))
    calendar.add_missing_timezones()  # the VTIMEZONE of repeating events' TZID
    result: bytes = calendar.to_ical()
    return result
