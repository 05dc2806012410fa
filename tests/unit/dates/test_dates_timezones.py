"""The same words at the same instant mean different days and hours in different time zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.dates import ParsedDate, parse

# 2026-03-10 22:30 UTC: already Wednesday in Moscow (01:30) and Tokyo (07:30), still Tuesday in New York.
INSTANT = dt.datetime(2026, 3, 10, 22, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "tz", "contract"),
    [
        ("завтра", "Europe/Moscow", {"date": "2026-03-12", "time": None}),
        ("завтра", "UTC", {"date": "2026-03-11", "time": None}),
        ("завтра", "America/New_York", {"date": "2026-03-11", "time": None}),
        ("tomorrow", "Asia/Tokyo", {"date": "2026-03-12", "time": None}),
        ("через 2 часа", "Europe/Moscow", {"date": "2026-03-11", "time": "03:30"}),
        ("через 2 часа", "UTC", {"date": "2026-03-11", "time": "00:30"}),
        ("in 2 hours", "America/New_York", {"date": "2026-03-10", "time": "20:30"}),
        ("в 23:00", "UTC", {"date": "2026-03-10", "time": "23:00"}),  # 22:30 there: still ahead
        ("в 22:00", "UTC", {"date": "2026-03-11", "time": "22:00"}),  # past there: tomorrow
        ("в 23:00", "America/New_York", {"date": "2026-03-10", "time": "23:00"}),
        ("в 23:00", "Europe/Moscow", {"date": "2026-03-11", "time": "23:00"}),
        ("в среду", "Europe/Moscow", {"date": "2026-03-18", "time": None}),  # already Wednesday there
        ("в среду", "America/New_York", {"date": "2026-03-11", "time": None}),
        ("сегодня", "Asia/Kolkata", {"date": "2026-03-11", "time": None}),
        ("сегодня", "America/Los_Angeles", {"date": "2026-03-10", "time": None}),
    ],
)
def test_aware_now_is_read_in_the_users_zone(text: str, tz: str, contract: dict[str, object]) -> None:
    assert {k: v for k, v in parse(text, INSTANT, tz).to_contract().items() if k in contract} == contract


def test_naive_now_is_local_time_of_the_zone() -> None:
    naive = dt.datetime(2026, 3, 10, 23, 0)
    assert parse("через час", naive, "America/New_York").to_contract()["time"] == "00:00"
    assert parse("через час", naive, "Asia/Tokyo").to_contract()["date"] == "2026-03-11"


def test_relative_hours_cross_a_daylight_saving_change_in_real_time() -> None:
    # New York springs forward at 02:00 on 2026-03-08: two real hours after 01:30 EST is 04:30 EDT.
    result = parse("через 2 часа", dt.datetime(2026, 3, 8, 1, 30), "America/New_York")
    assert result.to_contract()["time"] == "04:30"


def test_start_is_an_aware_moment_in_the_zone() -> None:
    result = parse("завтра в 15:00 на 90 минут", INSTANT, "Europe/Moscow")
    start = result.start("Europe/Moscow")
    assert start == dt.datetime(2026, 3, 12, 15, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    assert start is not None and start.utcoffset() == dt.timedelta(hours=3)
    assert result.end("Europe/Moscow") == dt.datetime(2026, 3, 12, 16, 30, tzinfo=ZoneInfo("Europe/Moscow"))


def test_start_is_none_until_the_time_is_known() -> None:
    assert parse("завтра в 9", INSTANT, "Europe/Moscow").start("Europe/Moscow") is None
    assert parse("купить хлеб", INSTANT, "Europe/Moscow").start("Europe/Moscow") is None


def test_contract_has_exactly_its_keys_and_json_types() -> None:
    result = parse("с 14:00 до 15:30", dt.datetime(2026, 3, 10, 10, 0), "Europe/Moscow")
    assert result.to_contract() == {"date": "2026-03-10", "time": "14:00", "candidates": [], "duration_min": 90,
                                    "recurrence": None}
    assert result.end_time == dt.time(15, 30)
    assert ParsedDate().to_contract() == {"date": None, "time": None, "candidates": [], "duration_min": None,
                                          "recurrence": None}


def test_result_does_not_depend_on_the_machine_clock() -> None:
    a = parse("завтра в 9 вечера", dt.datetime(2030, 1, 1, 8, 0), "Europe/Moscow")
    assert a.to_contract()["date"] == "2030-01-02"
