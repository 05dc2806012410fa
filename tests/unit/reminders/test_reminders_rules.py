"""Pure reminder rules: reminder moments, snoozes, agenda times, and the buttons' callback data."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.reminders.callbacks import ReminderCb
from bot.reminders.views import reminder_keyboard
from core.errors import DomainError
from core.i18n import translator
from core.items.models import Item, ItemKind, ItemStatus
from core.reminders.agenda import next_run, parse_time
from core.reminders.schedule import reminder_time, snooze_until
from core.reminders.service import ReminderAction
from tests.support.items import scheduled_item

NOW = dt.datetime(2026, 3, 28, 12, 0, 0, 500_000, tzinfo=dt.UTC)



class TestReminderMoments:
    def test_a_meeting_reminds_its_lead_time_before_in_whole_seconds(self) -> None:
        start = NOW + dt.timedelta(hours=2)
        expected = (start - dt.timedelta(minutes=15)).replace(microsecond=0)
        assert reminder_time(scheduled_item(start=start), 15, NOW) == expected

    def test_a_remind_me_item_reminds_at_its_time_even_when_lead_time_is_off(self) -> None:
        start = NOW + dt.timedelta(hours=2)
        assert reminder_time(scheduled_item(ItemKind.REMINDER, start), 0, NOW) == start.replace(microsecond=0)

    def test_too_close_reminds_now_but_only_once(self) -> None:
        start = NOW + dt.timedelta(minutes=5)
        first = reminder_time(scheduled_item(start=start), 15, NOW)
        assert first == NOW.replace(microsecond=0)
        later = NOW + dt.timedelta(minutes=2)
        assert reminder_time(scheduled_item(start=start, remind_at=first), 15, later) == first

    @pytest.mark.parametrize("item", [
        scheduled_item(start=NOW - dt.timedelta(minutes=1)),  # started already
        scheduled_item(start=None),
        scheduled_item(start=NOW + dt.timedelta(hours=1), status=ItemStatus.DONE),
        scheduled_item(start=NOW + dt.timedelta(hours=1), status=ItemStatus.CANCELLED),
    ])
    def test_no_reminder(self, item: Item) -> None:
        assert reminder_time(item, 15, NOW) is None

    def test_lead_time_zero_is_off_for_meetings(self) -> None:
        assert reminder_time(scheduled_item(start=NOW + dt.timedelta(hours=1)), 0, NOW) is None


class TestSnooze:
    def test_minutes_from_now(self) -> None:
        until = snooze_until(scheduled_item(), minutes=10, tz="UTC", now=NOW)
        assert until == NOW.replace(microsecond=0) + dt.timedelta(minutes=10)

    def test_tomorrow_keeps_the_local_clock_across_a_dst_change(self) -> None:
        due = dt.datetime(2026, 3, 28, 8, 0, tzinfo=dt.UTC)  # 09:00 in Berlin (CET); Sunday is CEST
        at = snooze_until(scheduled_item(remind_at=due), minutes=None, tz="Europe/Berlin", now=due)
        assert at == dt.datetime(2026, 3, 29, 7, 0, tzinfo=dt.UTC)  # 09:00 CEST


class TestAgendaTimes:
    @pytest.mark.parametrize(("text", "value"), [("8:30", "08:30"), ("08.30", "08:30"), ("23:59", "23:59")])
    def test_parse(self, text: str, value: str) -> None:
        assert parse_time(text) == value

    @pytest.mark.parametrize("text", ["24:00", "8", "8:3", "noon", ""])
    def test_parse_refuses(self, text: str) -> None:
        with pytest.raises(DomainError):
            parse_time(text)

    def test_today_if_still_ahead_else_tomorrow(self) -> None:
        assert next_run("15:30", "UTC", NOW) == (dt.date(2026, 3, 28), dt.datetime(2026, 3, 28, 15, 30, tzinfo=dt.UTC))
        assert next_run("08:00", "UTC", NOW)[0] == dt.date(2026, 3, 29)

    def test_after_a_day_and_across_dst(self) -> None:
        day, at = next_run("08:30", "Europe/Berlin", NOW, after=dt.date(2026, 3, 28))
        assert (day, at) == (dt.date(2026, 3, 29), dt.datetime(2026, 3, 29, 6, 30, tzinfo=dt.UTC))


class TestButtonData:
    @pytest.mark.parametrize("action", list(ReminderAction))
    def test_reminders_already_sent_keep_working(self, action: ReminderAction) -> None:
        """The wire format of the buttons is "rem:<action>:<item id>": messages sent before a release must still
        unpack after it."""
        packed = f"rem:{action.value}:123"
        assert ReminderCb(action=action, item_id=123).pack() == packed
        assert ReminderCb.unpack(packed) == ReminderCb(action=action, item_id=123)

    def test_the_keyboard_a_reminder_job_sends(self) -> None:
        rows = reminder_keyboard(7, translator("en")).model_dump(exclude_none=True)["inline_keyboard"]
        assert [[b["callback_data"] for b in row] for row in rows] == [["rem:s10:7", "rem:s60:7", "rem:tmr:7"],
                                                                        ["rem:done:7"]]
