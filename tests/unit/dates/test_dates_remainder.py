"""The title left after the date words are taken out: it is what the user sees as the item name."""

from __future__ import annotations

import datetime as dt

import pytest

from core.dates import parse

NOW = dt.datetime(2026, 3, 10, 10, 0)

CASES = [
    ("завтра в 15:00 встреча с Иваном", "встреча с Иваном"),
    ("Встреча с Иваном завтра в 15:00", "Встреча с Иваном"),
    ("Встреча с Иваном, завтра, в 15:00.", "Встреча с Иваном"),
    ("Позвонить маме завтра!", "Позвонить маме!"),
    ("в девять вечера позвонить Пете", "позвонить Пете"),
    ("созвон 14:00-15:30 с командой", "созвон с командой"),
    ("через 45 минут перезвонить", "перезвонить"),
    ("Meeting with John tomorrow at 3pm", "Meeting with John"),
    ("remind me in 2 hours to call Bob", "remind me to call Bob"),
    ("Отчёт к 25-му", "Отчёт"),
    ("оплатить до 25 числа", "оплатить"),
    ("30-minute call with Anna", "call with Anna"),
    ("Стоматолог в пятницу в 10 утра на час", "Стоматолог"),
    ("Обед с мамой в субботу", "Обед с мамой"),
    ("Ужин с Олей 14 февраля в 19:00", "Ужин с Олей"),
    ("Сдать отчёт до пятницы", "Сдать отчёт"),
    ("ёлка 31 декабря", "ёлка"),
    ("Dentist: next Tuesday at 10:30", "Dentist"),
    ("На следующей неделе созвон с Петром", "созвон с Петром"),
    ("Завтра в 10 встреча в офисе", "встреча в офисе"),
    ("Совещание (завтра в 11:00) по бюджету", "Совещание по бюджету"),
    ("Купить подарок — до 25-го", "Купить подарок"),
    ("встреча с 10 людьми завтра", "встреча с 10 людьми"),
    ("купить молоко", "купить молоко"),
    ("встреча в 9 кабинете", "встреча в 9 кабинете"),
    ("ЗАВТРА В 9 УТРА Планёрка", "Планёрка"),
    ("завтра", ""),
]


@pytest.mark.parametrize(("text", "title"), CASES, ids=[c[0] for c in CASES])
def test_date_words_leave_the_title(text: str, title: str) -> None:
    assert parse(text, NOW).remainder == title


def test_remainder_keeps_the_users_own_spelling_of_other_words() -> None:
    result = parse("Забрать ЁЛКУ у Сёмы послезавтра в 18:00", NOW)
    assert result.remainder == "Забрать ЁЛКУ у Сёмы"
    assert result.to_contract() == {"date": "2026-03-12", "time": "18:00", "candidates": [], "duration_min": None,
        "recurrence": None}


def test_text_without_dates_is_empty_and_keeps_all_words() -> None:
    result = parse("Купить хлеб и молоко", NOW)
    assert result.is_empty
    assert result.remainder == "Купить хлеб и молоко"
    assert not parse("на час", NOW).is_empty
