"""`/set #ID [дата] [в] HH[:MM] [мин]`."""

from __future__ import annotations

import datetime as dt

import pytest

from core.dates import DateParseError, parse_set_command

NOW = dt.datetime(2026, 3, 10, 10, 0)  # Tuesday


@pytest.mark.parametrize(
    ("args", "item_id", "contract"),
    [
        ("/set #12 завтра в 10:30 45", 12, {"date": "2026-03-11", "time": "10:30", "duration_min": 45}),
        ("#12 завтра в 10:30 45", 12, {"date": "2026-03-11", "time": "10:30", "duration_min": 45}),
        ("/set #12 21", 12, {"date": "2026-03-10", "time": "21:00", "duration_min": None}),
        ("/set #12 9", 12, {"date": "2026-03-11", "time": "09:00", "duration_min": None}),  # 24-hour here
        ("/set 12 25.12 9", 12, {"date": "2026-12-25", "time": "09:00", "duration_min": None}),
        ("/set #7 12.12 10", 7, {"date": "2026-12-12", "time": "10:00", "duration_min": None}),
        ("/set #7 10 30", 7, {"date": "2026-03-11", "time": "10:00", "duration_min": 30}),
        ("/set #7 10:15", 7, {"date": "2026-03-10", "time": "10:15", "duration_min": None}),
        ("/set@bot #3 в пятницу в 18:00 60 мин", 3, {"date": "2026-03-13", "time": "18:00", "duration_min": 60}),
        ("/set #4 15 января 9:30", 4, {"date": "2027-01-15", "time": "09:30", "duration_min": None}),
        ("/set #5 завтра в 9 вечера на час", 5, {"date": "2026-03-11", "time": "21:00", "duration_min": 60}),
        ("/set #6 сегодня 8:00", 6, {"date": "2026-03-10", "time": "08:00", "duration_min": None}),
    ],
)
def test_set_reads_id_date_time_and_minutes(args: str, item_id: int, contract: dict[str, object]) -> None:
    got_id, parsed = parse_set_command(args, NOW, "Europe/Moscow")
    assert got_id == item_id
    assert parsed.to_contract() == {**contract, "candidates": [], "recurrence": None}


def test_set_with_minutes_has_an_end() -> None:
    _, parsed = parse_set_command("/set #1 завтра 10:30 45", NOW)
    assert parsed.end_time == dt.time(11, 15)
    assert parsed.start("Europe/Moscow") == dt.datetime(2026, 3, 11, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ("/set", "ERR_SET_NO_ID"),
        ("/set завтра 10:00", "ERR_SET_NO_ID"),
        ("/set #5", "ERR_SET_NO_TIME"),
        ("/set #5 завтра", "ERR_SET_NO_TIME"),
        ("/set #5 25:00", "ERR_SET_BAD_TIME"),
        ("/set #5 10:75", "ERR_SET_BAD_TIME"),
        ("/set #5 абырвалг 10:00", "ERR_SET_BAD_DATE"),
        ("/set #5 завтра 10:00 0", "ERR_SET_BAD_DURATION"),
        ("/set #5 завтра 10:00 5000", "ERR_SET_BAD_DURATION"),
    ],
)
def test_set_errors_carry_a_code(args: str, code: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_set_command(args, NOW)
    assert caught.value.code == code
    assert caught.value.message
