"""What the rules found in a phrase, before it is turned into a date and a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.dates import lexicon as lx
from core.dates.recurrence import Repeat


@dataclass
class Clock:
    """A clock reading as written: "в 9" is hour 9, ``bare`` (no minutes), no qualifier."""

    hour: int
    minute: int = 0
    qualifier: str | None = None  # am, pm, morning, day, evening, night
    bare: bool = True  # only an hour was said ("в 9", "в 9 часов", "полдесятого"): may be 12-hour
    midnight: bool = False  # "полночь", "midnight", "12 ночи": the end of the named day


@dataclass
class Span:
    minutes: int = 0
    days: int = 0
    months: int = 0


@dataclass
class Facts:
    date: dt.date | None = None
    date_rank: int = 99  # lower is more specific: full date < day of month < weekday < relative word
    weekday: int | None = None
    next_week: bool = False
    clock: Clock | None = None
    end_clock: Clock | None = None
    span: Span | None = None
    duration_min: int | None = None
    part_of_day: str | None = None
    repeat: Repeat | None = None  # "каждый понедельник": the date found is then the first occurrence

    def set_date(self, value: dt.date, rank: int) -> None:
        if rank < self.date_rank:
            self.date, self.date_rank = value, rank


RANK_FULL, RANK_DAY_OF_MONTH, RANK_WEEKDAY, RANK_RELATIVE, RANK_PERIOD = 0, 1, 2, 3, 4


def to_24h(hour: int, qualifier: str) -> int:
    """Apply "утра/вечера/pm/…" to an hour; hours 13–23 and 0 are already 24-hour and stay."""
    if hour == 0 or hour > 12:
        return hour
    if qualifier == lx.AM:
        return 0 if hour == 12 else hour
    if qualifier == lx.PM:
        return 12 if hour == 12 else hour + 12
    if qualifier == lx.MORNING:
        return hour
    if qualifier == lx.DAY:
        return hour + 12 if hour <= 7 else hour
    if qualifier == lx.EVENING:
        return 0 if hour == 12 else hour + 12
    # night: "12 ночи" is midnight, "2 ночи" is 02:00, "11 ночи" is 23:00
    if hour == 12:
        return 0
    return hour if hour <= 5 else hour + 12


def readings(clock: Clock, part_of_day: str | None) -> tuple[dt.time | None, list[dt.time]]:
    """The certain time, or None and both readings of a bare hour 1–11."""
    qualifier = clock.qualifier or (part_of_day if clock.bare or 1 <= clock.hour <= 11 else None)
    if qualifier:
        return dt.time(to_24h(clock.hour, qualifier), clock.minute), []
    if clock.bare and 1 <= clock.hour <= 11:
        return None, [dt.time(clock.hour, clock.minute), dt.time(clock.hour + 12, clock.minute)]
    return dt.time(clock.hour, clock.minute), []


def is_midnight(clock: Clock, part_of_day: str | None) -> bool:
    if clock.midnight:
        return True
    qualifier = clock.qualifier or part_of_day
    return clock.hour == 12 and clock.minute == 0 and qualifier in (lx.EVENING, lx.NIGHT)
