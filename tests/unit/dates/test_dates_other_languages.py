"""Dates in other languages go through ``dateparser`` when the Russian and English rules find no day.

Each row is (text, expected date, time, candidates, remainder) at Tuesday 2026-03-10 10:00 in Europe/Moscow.
A bare hour is ambiguous there too ("às 9h" is 09:00 or 21:00); a lone word is a date only when it names a day
within a week, so English and Russian notes with look-alike words stay notes.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.dates import parse

NOW = dt.datetime(2026, 3, 10, 10, 0)

CASES: list[tuple[str, str | None, str | None, list[str], str]] = [
    ("morgen um 15 Uhr Zahnarzt", "2026-03-11", "15:00", [], "Zahnarzt"),
    ("Zahnarzt am Freitag", "2026-03-13", None, [], "Zahnarzt"),
    ("heute 18:30 Training", "2026-03-10", "18:30", [], "Training"),
    ("demain à 15h dentiste", "2026-03-11", "15:00", [], "dentiste"),
    ("rendez-vous le 25 décembre", "2026-12-25", None, [], "rendez-vous"),
    ("le 5 décembre à 9h30", "2026-12-05", "09:30", [], ""),
    ("mañana a las 15:00 llamar", "2026-03-11", "15:00", [], "llamar"),
    ("lunes reunión", "2026-03-16", None, [], "reunión"),
    ("domani alle 18 cena", "2026-03-11", "18:00", [], "cena"),
    ("ligar para o João amanhã às 9h", "2026-03-11", None, ["09:00", "21:00"], "ligar para o João"),
    ("jutro o 10 spotkanie", "2026-03-11", None, ["10:00", "22:00"], "spotkanie"),
    # not dates: English and Russian look-alikes, numbers, a German "every 5 minutes"
    ("buy a mars bar", None, None, [], "buy a mars bar"),
    ("call Dom", None, None, [], "call Dom"),
    ("note about may", None, None, [], "note about may"),
    ("версия 2.11", None, None, [], "версия 2.11"),
    ("room 101", None, None, [], "room 101"),
    ("alle 5 Minuten trinken", None, None, [], "alle 5 Minuten trinken"),
]


@pytest.mark.parametrize(("text", "date", "time", "candidates", "remainder"), CASES, ids=[row[0] for row in CASES])
def test_other_language_phrase(text: str, date: str | None, time: str | None, candidates: list[str],
                               remainder: str) -> None:
    result = parse(text, NOW, "Europe/Moscow")
    assert result.to_contract() == {"date": date, "time": time, "candidates": candidates, "duration_min": None,
        "recurrence": None}
    assert result.remainder == remainder


def test_the_own_rules_win_over_the_fallback() -> None:
    """An English date is read by the English rules; dateparser is not asked for another reading."""
    assert parse("May 5th at 3pm", NOW, "Europe/Moscow").to_contract()["date"] == "2026-05-05"
    assert parse("tomorrow 15h", NOW, "Europe/Moscow").to_contract()["date"] == "2026-03-11"


class TestCost:
    @pytest.mark.parametrize("text", ["купить молоко и хлеб", "idea: a garden with roses", "позвонить маме",
                                      "notes from the meeting with the team"])
    def test_a_note_naming_no_day_never_reaches_dateparser(self, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """dateparser costs milliseconds a phrase: a text with no word of another language's dates skips it."""
        import dateparser.search

        def refuse(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("dateparser was asked")

        monkeypatch.setattr(dateparser.search, "search_dates", refuse)
        assert parse(text, NOW, "UTC").to_contract()["date"] is None

    def test_the_vocabulary_knows_other_languages_day_words(self) -> None:
        from core.dates.fallback import may_name_a_day

        assert all(may_name_a_day(w) for w in ("morgen", "demain", "mañana", "jutro", "Freitag", "décembre"))
        assert not may_name_a_day("купить молоко и хлеб")
