"""Calendar arithmetic used by the rules: pure functions of a reference date."""

from __future__ import annotations

import calendar
import datetime as dt


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's last day (Jan 31 + 1 month → Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, days_in_month(year, month)))


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    if not (1 <= month <= 12 and 1 <= day <= 31 and dt.MINYEAR <= year <= dt.MAXYEAR):
        return None
    if day > days_in_month(year, month):
        return None
    return dt.date(year, month, day)


def nearest_day_of_month(day: int, today: dt.date) -> dt.date | None:
    """The first month, from this one on, that has ``day`` and where it is not past ("31-го" skips 30-day months)."""
    if not 1 <= day <= 31:
        return None
    for offset in range(0, 14):
        first = add_months(today.replace(day=1), offset)
        candidate = safe_date(first.year, first.month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


def nearest_month_day(month: int, day: int, today: dt.date) -> dt.date | None:
    """``day.month`` with no year: this year unless already past, else the next year that has it (Feb 29)."""
    if safe_date(2024, month, day) is None:  # 2024 is a leap year, so this only rejects impossible dates
        return None
    for year in range(today.year, today.year + 9):
        candidate = safe_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


def next_weekday(weekday: int, today: dt.date) -> dt.date:
    """The next ``weekday`` strictly after today (Monday on a Monday is a week away)."""
    ahead = (weekday - today.weekday()) % 7
    return today + dt.timedelta(days=ahead or 7)


def monday_of_next_week(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=7 - today.weekday())


def full_year(year: int) -> int:
    return 2000 + year if year < 100 else year


def clock_plus(time: dt.time, minutes: int) -> dt.time:
    """The wall-clock time ``minutes`` later, wrapping past midnight (23:30 + 60 → 00:30)."""
    total = (time.hour * 60 + time.minute + minutes) % 1440
    return dt.time(total // 60, total % 60)
