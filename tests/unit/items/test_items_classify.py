"""Which kind of item a text becomes, and the title it gets."""

from __future__ import annotations

import datetime as dt

import pytest

from core.dates import parse
from core.items.classify import TITLE_MAX, classify, title_for
from core.items.models import ItemKind

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # Monday, 12:00 in Moscow
TZ = "Europe/Moscow"


def kind_and_title(text: str) -> tuple[str, str]:
    parsed = parse(text, NOW, TZ)
    kind = classify(text, parsed)
    return kind.value, title_for(kind, text, parsed)


class TestKinds:
    @pytest.mark.parametrize(
        ("text", "kind", "title"),
        [
            ("завтра в 15:00 встреча с Иваном", "meeting", "встреча с Иваном"),
            ("встреча с Иваном в 9", "meeting", "встреча с Иваном"),
            ("созвон в пятницу в 11:00", "meeting", "созвон"),
            ("звонок с поставщиком завтра", "meeting", "звонок с поставщиком"),
            ("обед с Машей в 13", "meeting", "обед с Машей"),
            ("совещание по бюджету", "meeting", "совещание по бюджету"),
            ("tomorrow at 3pm call with Bob", "meeting", "call with Bob"),
            ("lunch with Ann on Friday at 13:00", "meeting", "lunch with Ann"),
            ("meeting with the team", "meeting", "meeting with the team"),
            ("завтра в 18:30 Петя", "meeting", "Петя"),  # a date and a time make a meeting
            ("напомни завтра в 10:00 позвонить маме", "reminder", "позвонить маме"),
            ("Напомни мне, что надо купить хлеб", "reminder", "купить хлеб"),
            ("remind me to call mom at 5pm", "reminder", "call mom"),
            ("Reminder: pay rent on Friday at 10:00", "reminder", "pay rent"),
            ("купить хлеб", "task", "купить хлеб"),
            ("надо починить кран в субботу", "task", "надо починить кран"),
            ("позвонить маме", "task", "позвонить маме"),
            ("todo: fix the bike", "task", "todo: fix the bike"),
            ("buy milk", "task", "buy milk"),
            ("call mom", "task", "call mom"),
            ("мысль про отпуск", "note", "мысль про отпуск"),
            ("идея: бот получше", "note", "идея: бот получше"),
            ("note 3 of 1005", "note", "note 3 of 1005"),
            ("день рождения мамы 15 января", "note", "день рождения мамы 15 января"),  # a note keeps its words
        ],
    )
    def test_kind_and_title(self, text: str, kind: str, title: str) -> None:
        assert kind_and_title(text) == (kind, title)

    def test_reminder_words_win_over_meeting_words(self) -> None:
        assert kind_and_title("напомни про встречу с Иваном в 15:00")[0] == ItemKind.REMINDER

    def test_meeting_words_win_over_task_words(self) -> None:
        assert kind_and_title("надо назначить встречу с юристом")[0] == ItemKind.MEETING


class TestTitles:
    def test_a_long_text_is_cut_on_its_first_line(self) -> None:
        text = "заметка " + "слово " * 60 + "\nвторая строка"
        _, title = kind_and_title(text)
        assert len(title) == TITLE_MAX and title.endswith("…") and "вторая" not in title

    def test_a_text_that_is_only_a_date_keeps_it_as_the_title(self) -> None:
        assert kind_and_title("завтра в 15:00") == ("meeting", "завтра в 15:00")
