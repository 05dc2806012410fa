"""The per-user ICS feed at its secret address, read back with the icalendar parser."""

from __future__ import annotations

import datetime as dt

import httpx
from calendar_helpers import OTHER, OWNER, new_meeting
from icalendar import Calendar

from core.calendar import service
from core.calendar.events import event_id_for
from core.db.base import utcnow
from core.items import service as items
from core.items.models import ItemKind
from core.runtime import Runtime


async def _feed_path(runtime: Runtime, user_id: int) -> str:
    async with runtime.unit_of_work() as s:
        status = await service.status(s, runtime.settings, user_id)
    return status.feed_url.removeprefix(runtime.settings.base_url)


class TestFeed:
    async def test_scheduled_items_are_events_and_cancelled_ones_are_not(
            self, runtime: Runtime, client: httpx.AsyncClient) -> None:
        start = (utcnow() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        meeting = await new_meeting(runtime, title="Lunch with Ann", start=start, duration=90)
        dropped = await new_meeting(runtime, title="Dentist", start=start + dt.timedelta(hours=3))
        await new_meeting(runtime, OTHER, title="Someone else's meeting", start=start)
        async with runtime.unit_of_work() as s:
            await items.cancel(s, await items.owned(s, OWNER, dropped.number))
            reminder = await items.new_item(s, OWNER, ItemKind.REMINDER, "call mum", "call mum")
            await items.schedule(s, reminder, start + dt.timedelta(hours=5), None)
        path = await _feed_path(runtime, OWNER)

        response = await client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.content)
        events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
        assert set(events) == {"Lunch with Ann", "call mum"}
        lunch = events["Lunch with Ann"]
        assert str(lunch["UID"]) == f"{event_id_for(OWNER, meeting.id)}@secretary"
        assert lunch.decoded("DTSTART") == start and lunch.decoded("DTEND") == start + dt.timedelta(minutes=90)
        assert lunch.decoded("DTSTART").utcoffset() == dt.timedelta(0)
        (alarm,) = lunch.walk("VALARM")
        assert alarm.decoded("TRIGGER") == -dt.timedelta(minutes=15)
        (at_time,) = events["call mum"].walk("VALARM")
        assert at_time.decoded("TRIGGER") == dt.timedelta(0)
        assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Moscow"

    async def test_the_uid_stays_when_an_item_moves(self, runtime: Runtime, client: httpx.AsyncClient) -> None:
        meeting = await new_meeting(runtime)
        path = await _feed_path(runtime, OWNER)
        (before,) = Calendar.from_ical((await client.get(path)).content).walk("VEVENT")
        async with runtime.unit_of_work() as s:
            await items.schedule(s, await items.owned(s, OWNER, meeting.number), utcnow() + dt.timedelta(days=4), 30)
        (after,) = Calendar.from_ical((await client.get(path)).content).walk("VEVENT")
        assert str(after["UID"]) == str(before["UID"])
        assert after.decoded("DTSTART") != before.decoded("DTSTART")

    async def test_a_day_without_a_time_is_an_all_day_event(self, runtime: Runtime, client: httpx.AsyncClient) -> None:
        day = (utcnow() + dt.timedelta(days=2)).date()
        async with runtime.unit_of_work() as s:
            from core.users.service import ensure_user

            await ensure_user(s, OWNER)
            task = await items.new_item(s, OWNER, ItemKind.TASK, "file taxes", "file taxes")
            task.due_date = day
        (event,) = Calendar.from_ical((await client.get(await _feed_path(runtime, OWNER))).content).walk("VEVENT")
        assert event.decoded("DTSTART") == day and event.decoded("DTEND") == day + dt.timedelta(days=1)

    async def test_unknown_and_rotated_addresses_are_404(self, runtime: Runtime, client: httpx.AsyncClient) -> None:
        await new_meeting(runtime)
        old = await _feed_path(runtime, OWNER)
        assert old == await _feed_path(runtime, OWNER)  # the address is stable until reset
        async with runtime.unit_of_work() as s:
            new = (await service.reset_feed(s, runtime.settings, OWNER)).removeprefix(runtime.settings.base_url)
        assert new != old
        assert (await client.get(old)).status_code == 404
        assert (await client.get(new)).status_code == 200
        assert (await client.get("/calendar/not-a-token.ics")).status_code == 404
