"""Telling an answer to a pending question from a new item."""

from __future__ import annotations

import datetime as dt

import pytest

from core.items.answers import AnswerKind, read_answer

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # Monday, 12:00 in Moscow
TZ = "Europe/Moscow"
NINE = [dt.time(9), dt.time(21)]
NO_HOUR = [dt.time(9), dt.time(13), dt.time(19)]


class TestAnswers:
    @pytest.mark.parametrize(
        ("text", "time"),
        [
            ("вечером", dt.time(21)), ("Утром", dt.time(9)), ("evening", dt.time(21)),
            ("in the morning", dt.time(9)), ("в 10:30", dt.time(10, 30)), ("21", dt.time(21)),
            ("at 9pm", dt.time(21)), ("давай в 11:15", dt.time(11, 15)),
        ],
    )
    def test_a_time_answer(self, text: str, time: dt.time) -> None:
        answer = read_answer(text, NOW, TZ, NINE)
        assert (answer.kind, answer.time, answer.day) == (AnswerKind.TIME, time, None)

    def test_a_part_of_the_day_picks_among_default_times(self) -> None:
        assert read_answer("днём", NOW, TZ, NO_HOUR).time == dt.time(13)
        assert read_answer("вечером", NOW, TZ, NO_HOUR).time == dt.time(19)

    def test_a_date_said_with_the_time_is_kept(self) -> None:
        answer = read_answer("завтра в 9 вечера", NOW, TZ, NINE)
        assert (answer.kind, answer.time, answer.day) == (AnswerKind.TIME, dt.time(21), dt.date(2026, 11, 24))

    @pytest.mark.parametrize("text", ["отмена", "Отменить!", "cancel", "не надо"])
    def test_cancel(self, text: str) -> None:
        assert read_answer(text, NOW, TZ, NINE).kind == AnswerKind.CANCEL

    def test_a_bare_hour_again_is_partial_with_both_readings(self) -> None:
        answer = read_answer("в 10", NOW, TZ, NINE)
        assert (answer.kind, answer.candidates) == (AnswerKind.PARTIAL, [dt.time(10), dt.time(22)])

    def test_a_day_alone_is_partial(self) -> None:
        answer = read_answer("завтра", NOW, TZ, NINE)
        assert (answer.kind, answer.day) == (AnswerKind.PARTIAL, dt.date(2026, 11, 24))

    @pytest.mark.parametrize("text", ["встреча с Петей в 10:30", "купить хлеб", "привет", "ок", "idea for a talk"])
    def test_other_text_is_not_an_answer(self, text: str) -> None:
        assert read_answer(text, NOW, TZ, NINE).kind == AnswerKind.NONE
