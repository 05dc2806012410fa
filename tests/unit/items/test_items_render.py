"""Item cards and agenda lines in the user's language, time zone and locale format."""

from __future__ import annotations

import datetime as dt

from core.i18n import translator
from core.items import render
from core.items.models import Item, ItemKind, ItemStatus


def item(**values: object) -> Item:
    defaults: dict[str, object] = {"id": 1, "user_id": 1, "number": 7, "kind": ItemKind.MEETING,
                                   "status": ItemStatus.SCHEDULED, "title": "Lunch with Ann"}
    defaults.update(values)
    return Item(**defaults)


START = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)  # Tue 24 Nov, 15:00 in Moscow


class TestCard:
    def test_a_meeting_in_english(self) -> None:
        card = render.card(item(starts_at=START, duration_min=60), translator("en"), "Europe/Moscow")
        assert card == "#7 meeting: Lunch with Ann — Tue 24 Nov 15:00–16:00"

    def test_a_meeting_in_russian(self) -> None:
        card = render.card(item(starts_at=START, duration_min=90, title="встреча с Иваном"), translator("ru"),
                           "Europe/Moscow")
        assert card == "#7 встреча: встреча с Иваном — вт 24 нояб. 15:00–16:30"

    def test_times_are_in_the_users_zone(self) -> None:
        card = render.card(item(starts_at=START, duration_min=30), translator("en"), "America/New_York")
        assert card.endswith("Tue 24 Nov 07:00–07:30")

    def test_a_meeting_late_in_the_evening_shows_its_local_day(self) -> None:
        late = dt.datetime(2026, 11, 24, 22, 30, tzinfo=dt.UTC)  # Wed 01:30 in Moscow
        assert render.card(item(starts_at=late), translator("en"), "Europe/Moscow").endswith("Wed 25 Nov 01:30")

    def test_a_reminder_without_duration_shows_one_time(self) -> None:
        card = render.card(item(kind=ItemKind.REMINDER, title="call mom", starts_at=START), translator("en"), "UTC")
        assert card == "#7 reminder: call mom — Tue 24 Nov 12:00"

    def test_an_item_due_on_a_day_without_a_time(self) -> None:
        card = render.card(item(kind=ItemKind.TASK, status=ItemStatus.INBOX, title="buy milk",
                                due_date=dt.date(2026, 11, 24)), translator("en"), "UTC")
        assert card == "#7 task: buy milk — Tue 24 Nov"

    def test_an_undated_note(self) -> None:
        card = render.card(item(kind=ItemKind.NOTE, status=ItemStatus.INBOX, title="an idea"), translator("ru"), "UTC")
        assert card == "#7 заметка: an idea"

    def test_done_and_cancelled_are_marked(self) -> None:
        en, ru = translator("en"), translator("ru")
        assert render.card(item(status=ItemStatus.DONE), en, "UTC") == "#7 meeting: Lunch with Ann · done"
        assert render.card(item(status=ItemStatus.CANCELLED), ru, "UTC").endswith("· отменено")

    def test_the_year_is_shown_when_it_is_not_this_year(self) -> None:
        card = render.card(item(starts_at=START), translator("en"), "UTC", today=dt.date(2025, 12, 1))
        assert card.endswith("Tue 24 Nov 2026 12:00")


class TestAgenda:
    def test_agenda_line_starts_with_the_time(self) -> None:
        line = render.agenda_line(item(starts_at=START, duration_min=60), translator("en"), "Europe/Moscow")
        assert line == "15:00–16:00 #7 meeting: Lunch with Ann"

    def test_day_header_is_capitalised_and_localised(self) -> None:
        assert render.day_header(dt.date(2026, 11, 24), "ru") == "Вторник 24 ноября"
        assert render.day_header(dt.date(2026, 11, 24), "en") == "Tuesday 24 November"

    def test_part_of_day_labels_the_buttons(self) -> None:
        assert [render.part_of_day(dt.time(h)) for h in (3, 9, 13, 21)] == ["night", "morning", "day", "evening"]
