"""Repeating dates: the RRULE `secretary parse-date` prints as ``recurrence``, and the first occurrence as ``date``.

Each row is (text, now, date, time, candidates, recurrence, title left) in Europe/Moscow; ``now`` is naive local.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.dates import parse
from core.dates.recurrence import Repeat, first_day, from_rule, is_valid, next_occurrence

TUE = dt.datetime(2026, 3, 10, 10, 0)  # Tuesday morning
MON_EARLY = dt.datetime(2026, 3, 16, 9, 0)  # Monday 09:00, before a 10:00 planning meeting
MON_LATE = dt.datetime(2026, 3, 16, 11, 0)  # Monday 11:00, after it
JAN_31 = dt.datetime(2026, 1, 31, 12, 0)  # Saturday, last day of January

_NAMES = {TUE: "tue", MON_EARLY: "mon-09", MON_LATE: "mon-11", JAN_31: "jan-31"}

Row = tuple[str, dt.datetime, str | None, str | None, list[str], str | None, str]

CASES: list[Row] = [
    # the phrases
    ("каждый понедельник в 10:00 планёрка", TUE, "2026-03-16", "10:00", [], "FREQ=WEEKLY;BYDAY=MO", "планёрка"),
    ("every day at 9pm take pills", TUE, "2026-03-10", "21:00", [], "FREQ=DAILY", "take pills"),
    ("по будням в 8:30", TUE, "2026-03-11", "08:30", [], "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", ""),
    ("каждое 1-е число оплатить аренду", TUE, "2026-04-01", None, [], "FREQ=MONTHLY;BYMONTHDAY=1", "оплатить аренду"),
    ("every other week call grandma", TUE, "2026-03-10", None, [], "FREQ=WEEKLY;INTERVAL=2", "call grandma"),
    ("ежедневно в 9 утра", TUE, "2026-03-11", "09:00", [], "FREQ=DAILY", ""),
    ("every Friday at 18:00", TUE, "2026-03-13", "18:00", [], "FREQ=WEEKLY;BYDAY=FR", ""),
    # the first occurrence: today while the time is ahead
    ("каждый понедельник в 10:00 планёрка", MON_EARLY, "2026-03-16", "10:00", [], "FREQ=WEEKLY;BYDAY=MO", "планёрка"),
    ("каждый понедельник в 10:00 планёрка", MON_LATE, "2026-03-23", "10:00", [], "FREQ=WEEKLY;BYDAY=MO", "планёрка"),
    ("каждый понедельник", MON_LATE, "2026-03-16", None, [], "FREQ=WEEKLY;BYDAY=MO", ""),
    ("каждое 31-е число отчёт", JAN_31, "2026-01-31", None, [], "FREQ=MONTHLY;BYMONTHDAY=31", "отчёт"),
    ("каждое 31-е число в 10:00 отчёт", JAN_31, "2026-03-31", "10:00", [], "FREQ=MONTHLY;BYMONTHDAY=31", "отчёт"),
    # Russian
    ("каждый день в 21:00 таблетки", TUE, "2026-03-10", "21:00", [], "FREQ=DAILY", "таблетки"),
    ("каждую среду в 19:00 йога", TUE, "2026-03-11", "19:00", [], "FREQ=WEEKLY;BYDAY=WE", "йога"),
    ("по понедельникам и средам в 19:00 бассейн", TUE, "2026-03-11", "19:00", [], "FREQ=WEEKLY;BYDAY=MO,WE", "бассейн"),
    ("каждый вторник и четверг в 8:00 пробежка", TUE, "2026-03-12", "08:00", [], "FREQ=WEEKLY;BYDAY=TU,TH",
     "пробежка"),
    ("по рабочим дням в 9:30 стендап", TUE, "2026-03-11", "09:30", [], "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "стендап"),
    ("по выходным в 10 утра пробежка", TUE, "2026-03-14", "10:00", [], "FREQ=WEEKLY;BYDAY=SA,SU", "пробежка"),
    ("каждую неделю в пятницу отчёт", TUE, "2026-03-13", None, [], "FREQ=WEEKLY;BYDAY=FR", "отчёт"),
    ("раз в две недели уборка", TUE, "2026-03-10", None, [], "FREQ=WEEKLY;INTERVAL=2", "уборка"),
    ("каждую вторую пятницу в 18:00 бар", TUE, "2026-03-13", "18:00", [], "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "бар"),
    ("каждые 3 дня полить цветы", TUE, "2026-03-10", None, [], "FREQ=DAILY;INTERVAL=3", "полить цветы"),
    ("каждые 2 часа пить воду", TUE, "2026-03-10", "11:00", [], "FREQ=HOURLY;INTERVAL=2", "пить воду"),
    ("каждый вечер в 9 читать", TUE, "2026-03-10", "21:00", [], "FREQ=DAILY", "читать"),
    ("каждое утро зарядка", TUE, "2026-03-10", None, [], "FREQ=DAILY", "зарядка"),
    ("1-го числа каждого месяца платить за интернет", TUE, "2026-04-01", None, [], "FREQ=MONTHLY;BYMONTHDAY=1",
     "платить за интернет"),
    ("ежемесячно 5-го платить", TUE, "2026-04-05", None, [], "FREQ=MONTHLY;BYMONTHDAY=5", "платить"),
    ("каждый месяц 15-го в 12:00 счета", TUE, "2026-03-15", "12:00", [], "FREQ=MONTHLY;BYMONTHDAY=15", "счета"),
    ("каждый год 5 мая день рождения мамы", TUE, "2026-05-05", None, [], "FREQ=YEARLY", "день рождения мамы"),
    ("каждый день в 9", TUE, None, None, ["09:00", "21:00"], "FREQ=DAILY", ""),  # readings on different days
    ("каждый понедельник в 9", TUE, "2026-03-16", None, ["09:00", "21:00"], "FREQ=WEEKLY;BYDAY=MO", ""),
    # English
    ("every Monday and Wednesday at 7pm gym", TUE, "2026-03-11", "19:00", [], "FREQ=WEEKLY;BYDAY=MO,WE", "gym"),
    ("mondays and thursdays gym at 7pm", TUE, "2026-03-12", "19:00", [], "FREQ=WEEKLY;BYDAY=MO,TH", "gym"),
    ("every other Monday at 10am sync", TUE, "2026-03-16", "10:00", [], "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "sync"),
    ("every weekday at 8:30 standup", TUE, "2026-03-11", "08:30", [], "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "standup"),
    ("on weekends at 11am brunch", TUE, "2026-03-14", "11:00", [], "FREQ=WEEKLY;BYDAY=SA,SU", "brunch"),
    ("daily at 9am vitamins", TUE, "2026-03-11", "09:00", [], "FREQ=DAILY", "vitamins"),
    ("weekly report every Friday", TUE, "2026-03-13", None, [], "FREQ=WEEKLY;BYDAY=FR", "report"),
    ("every 2 weeks on Thursday review", TUE, "2026-03-12", None, [], "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "review"),
    ("every month on the 15th pay rent", TUE, "2026-03-15", None, [], "FREQ=MONTHLY;BYMONTHDAY=15", "pay rent"),
    ("pay rent on the 1st of every month", TUE, "2026-04-01", None, [], "FREQ=MONTHLY;BYMONTHDAY=1", "pay rent"),
    ("every morning at 7 run", TUE, "2026-03-11", "07:00", [], "FREQ=DAILY", "run"),
    ("every year on May 5 mom's birthday", TUE, "2026-05-05", None, [], "FREQ=YEARLY", "mom's birthday"),
    # not repeats
    ("в понедельник в 10:00 планёрка", TUE, "2026-03-16", "10:00", [], None, "планёрка"),
    ("через неделю", TUE, "2026-03-17", None, [], None, ""),  # "in a week", once
    ("каждый раз одно и то же", TUE, None, None, [], None, "каждый раз одно и то же"),
    ("every time I call", TUE, None, None, [], None, "every time I call"),
]


@pytest.mark.parametrize(
    ("text", "now", "date", "time", "candidates", "recurrence", "title"),
    CASES,
    ids=[f"{row[0]}@{_NAMES[row[1]]}" for row in CASES],
)
def test_repeat_reads_as_a_rule_and_a_first_day(text: str, now: dt.datetime, date: str | None, time: str | None,
                                               candidates: list[str], recurrence: str | None, title: str) -> None:
    result = parse(text, now, "Europe/Moscow")
    assert result.to_contract() == {"date": date, "time": time, "candidates": candidates, "duration_min": None,
                                    "recurrence": recurrence}
    assert result.remainder == title


class TestRules:
    def test_a_rule_round_trips(self) -> None:
        for repeat in (Repeat("WEEKLY", 2, (0, 2)), Repeat("MONTHLY", bymonthday=31), Repeat("DAILY")):
            assert from_rule(repeat.rule) == repeat and is_valid(repeat.rule)

    def test_foreign_or_broken_rules_are_refused(self) -> None:
        assert from_rule("FREQ=SECONDLY") is None
        assert not is_valid("FREQ=WEEKLY;BYDAY=XX")
        assert not is_valid("BYDAY=MO")

    def test_next_occurrence_walks_the_rule(self) -> None:
        monday = dt.datetime(2026, 3, 16, 10, 0)
        assert next_occurrence("FREQ=WEEKLY;BYDAY=MO", monday) == dt.datetime(2026, 3, 23, 10, 0)
        assert next_occurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", monday) == dt.datetime(2026, 3, 30, 10, 0)
        friday = dt.datetime(2026, 3, 13, 8, 30)
        assert next_occurrence("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", friday) == dt.datetime(2026, 3, 16, 8, 30)

    def test_the_31st_skips_shorter_months(self) -> None:
        assert next_occurrence("FREQ=MONTHLY;BYMONTHDAY=31", dt.datetime(2026, 1, 31, 9)) == dt.datetime(2026, 3, 31, 9)

    def test_every_other_monday_starts_on_the_next_monday(self) -> None:
        first = first_day(Repeat("WEEKLY", 2, (0,)), dt.date(2026, 3, 10), dt.time(10), TUE)
        assert first == dt.datetime(2026, 3, 16, 10, 0)
