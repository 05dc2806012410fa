"""Answers to "9:00 or 21:00?" and the choice they lead to."""

from __future__ import annotations

import datetime as dt

import pytest

from core.dates import parse, parse_clarification, resolve_choice

NOW = dt.datetime(2026, 3, 10, 10, 0)
NINE = [dt.time(9, 0), dt.time(21, 0)]


class TestParseClarification:
    @pytest.mark.parametrize(
        ("answer", "chosen"),
        [
            ("вечером", dt.time(21, 0)),
            ("Вечер", dt.time(21, 0)),
            ("утром", dt.time(9, 0)),
            ("утро", dt.time(9, 0)),
            ("с утра", dt.time(9, 0)),
            ("evening", dt.time(21, 0)),
            ("in the morning", dt.time(9, 0)),
            ("pm", dt.time(21, 0)),
            ("AM", dt.time(9, 0)),
            ("в 9 вечера", dt.time(21, 0)),
            ("21", dt.time(21, 0)),
            ("21:00", dt.time(21, 0)),
            ("9:00", dt.time(9, 0)),
            ("21.00", dt.time(21, 0)),
            ("9.00", dt.time(9, 0)),
        ],
    )
    def test_a_part_of_day_or_a_clock_picks_the_reading(self, answer: str, chosen: dt.time) -> None:
        assert parse_clarification(answer, NOW, "Europe/Moscow", NINE) == chosen

    def test_an_explicit_new_time_is_taken_even_if_not_offered(self) -> None:
        assert parse_clarification("в 10:30", NOW, "Europe/Moscow", NINE) == dt.time(10, 30)

    @pytest.mark.parametrize("answer", ["9", "в 9", "не знаю", "ok", ""])
    def test_an_answer_that_is_still_ambiguous_gives_none(self, answer: str) -> None:
        assert parse_clarification(answer, NOW, "Europe/Moscow", NINE) is None

    def test_afternoon_and_night_pick_among_three_oclock_readings(self) -> None:
        three = [dt.time(3, 0), dt.time(15, 0)]
        assert parse_clarification("днём", NOW, "Europe/Moscow", three) == dt.time(15, 0)
        assert parse_clarification("ночью", NOW, "Europe/Moscow", three) == dt.time(3, 0)

    def test_minutes_of_the_candidates_are_kept(self) -> None:
        half = [dt.time(9, 30), dt.time(21, 30)]
        assert parse_clarification("вечером", NOW, "Europe/Moscow", half) == dt.time(21, 30)

    def test_part_of_day_without_candidates_gives_none(self) -> None:
        assert parse_clarification("вечером", NOW, "Europe/Moscow", []) is None


class TestResolveChoice:
    def test_choice_without_a_date_takes_the_nearest_occurrence(self) -> None:
        pending = parse("в 9 позвонить", NOW)
        assert pending.is_ambiguous and pending.date is None and pending.candidates == NINE
        morning = resolve_choice(pending, dt.time(9, 0), NOW)
        evening = resolve_choice(pending, dt.time(21, 0), NOW)
        assert morning.to_contract() == {"date": "2026-03-11", "time": "09:00", "candidates": [], "duration_min": None,
            "recurrence": None}
        assert evening.to_contract() == {"date": "2026-03-10", "time": "21:00", "candidates": [], "duration_min": None,
            "recurrence": None}
        assert evening.remainder == "позвонить"
        assert not evening.is_ambiguous

    def test_choice_keeps_the_named_date_and_the_duration(self) -> None:
        pending = parse("в пятницу в 7 на 45 минут", NOW)
        chosen = resolve_choice(pending, dt.time(19, 0), NOW)
        assert chosen.to_contract() == {"date": "2026-03-13", "time": "19:00", "candidates": [], "duration_min": 45,
            "recurrence": None}
        assert chosen.end_time == dt.time(19, 45)
