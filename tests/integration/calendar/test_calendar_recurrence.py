"""A repeating item in the calendars: one recurring event in Google (``recurrence: ["RRULE:…"]``) and in the ICS
feed (RRULE, DTSTART in the user's zone); Done moves the event's start to the next occurrence, cancel removes it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import httpx
from calendar_helpers import CALENDAR_ID, OWNER, drain, load
from dateutil.rrule import rrulestr
from icalendar import Calendar

from core.calendar import service as calendar_service
from core.db.base import utcnow
from core.items import questions
from core.items import service as items
from core.items.models import Item
from core.runtime import Runtime
from core.users.service import ensure_user
from tests.fakes.google_calendar import FakeGoogle

TZ = "Europe/Moscow"


async def weekly_meeting(runtime: Runtime, text: str = "каждый понедельник в 10:00 планёрка") -> Item:
    async with runtime.unit_of_work() as s:
        await ensure_user(s, OWNER, language_code="ru")
        outcome = await questions.handle_text(s, OWNER, TZ, text, now=utcnow(), ttl=600)
    return outcome.item


class TestGoogle:
    async def test_a_repeating_meeting_is_one_recurring_event(self, google_runtime: Runtime,
                                                              fake_google: FakeGoogle) -> None:
        item = await weekly_meeting(google_runtime)
        await drain(google_runtime)
        (event,) = fake_google.events(CALENDAR_ID)
        assert event["recurrence"] == ["RRULE:FREQ=WEEKLY;BYDAY=MO"]
        assert event["start"]["timeZone"] == TZ  # type: ignore[index]
        start = dt.datetime.fromisoformat(event["start"]["dateTime"])  # type: ignore[index]
        assert start == item.starts_at and start.astimezone(ZoneInfo(TZ)).weekday() == 0

    async def test_done_moves_the_event_to_the_next_occurrence_and_cancel_removes_it(
            self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        item = await weekly_meeting(google_runtime)
        await drain(google_runtime)
        async with google_runtime.unit_of_work() as s:
            await items.mark_done(s, await items.owned(s, OWNER, item.number))
        await drain(google_runtime)
        moved = await load(google_runtime, item.id)
        assert moved.starts_at == item.starts_at + dt.timedelta(days=7)  # type: ignore[operator]
        (event,) = fake_google.events(CALENDAR_ID)
        assert dt.datetime.fromisoformat(event["start"]["dateTime"]) == moved.starts_at  # type: ignore[index]
        assert event["recurrence"] == ["RRULE:FREQ=WEEKLY;BYDAY=MO"]
        async with google_runtime.unit_of_work() as s:
            await items.cancel(s, await items.owned(s, OWNER, item.number))
        await drain(google_runtime)
        assert fake_google.events(CALENDAR_ID) == []


class TestFeed:
    async def test_the_feed_has_an_rrule_in_the_users_zone(self, runtime: Runtime, client: httpx.AsyncClient
                                                           ) -> None:
        item = await weekly_meeting(runtime, "по будням в 8:30 стендап")
        async with runtime.unit_of_work() as s:
            status = await calendar_service.status(s, runtime.settings, OWNER)
        response = await client.get(status.feed_url.removeprefix(runtime.settings.base_url))
        calendar = Calendar.from_ical(response.content)
        (event,) = calendar.walk("VEVENT")
        assert event["RRULE"].to_ical().decode() == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
        start = event.decoded("DTSTART")
        assert start == item.starts_at and str(start.tzinfo) == TZ  # wall-clock 08:30 in Moscow, not UTC
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [TZ]
        days = list(rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)[:6])
        assert all(day.astimezone(ZoneInfo(TZ)).time() == dt.time(8, 30) for day in days)
        assert {day.weekday() for day in days} == {0, 1, 2, 3, 4}
