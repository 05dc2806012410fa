"""Repeating dates: "каждый понедельник", "по будням", "every other week", "каждое 1-е число".

A repeat is kept as an RFC 5545 recurrence rule without DTSTART ("FREQ=WEEKLY;BYDAY=MO"): the item's own
start is the rule's DTSTART, in the user's time zone (wall-clock time, so a daily 09:00 stays 09:00 across a DST
change). ``python-dateutil``'s ``rrule`` expands it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from dateutil.rrule import rrulestr

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = ("HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
WORKDAYS = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)
MAX_RULE = 255  # the width of items.recurrence


@dataclass(frozen=True)
class Repeat:
    """How often: ``freq`` (one of FREQUENCIES), every ``interval`` of them, on ``byday`` weekdays (0 = Monday)
    or on ``bymonthday`` of the month."""

    freq: str
    interval: int = 1
    byday: tuple[int, ...] = ()
    bymonthday: int | None = None

    @property
    def rule(self) -> str:
        parts = [f"FREQ={self.freq}"]
        if self.interval > 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(DAY_CODES[day] for day in sorted(set(self.byday))))
        if self.bymonthday is not None:
            parts.append(f"BYMONTHDAY={self.bymonthday}")
        return ";".join(parts)

    def with_day(self, weekday: int | None, day_of_month: int | None) -> Repeat:
        """Fill in the day said apart from the repeat: "каждую неделю в пятницу", "every month on the 15th"."""
        if self.freq == "WEEKLY" and not self.byday and weekday is not None:
            return replace(self, byday=(weekday,))
        if self.freq == "MONTHLY" and self.bymonthday is None and day_of_month is not None:
            return replace(self, bymonthday=day_of_month)
        return self


def from_rule(rule: str) -> Repeat | None:
    """The ``Repeat`` of a stored rule, or None when it is not one this module writes."""
    fields: dict[str, str] = {}
    for part in rule.upper().split(";"):
        name, _, value = part.partition("=")
        fields[name.strip()] = value.strip()
    freq = fields.get("FREQ", "")
    if freq not in FREQUENCIES:
        return None
    try:
        interval = int(fields.get("INTERVAL", "1"))
        byday = tuple(DAY_CODES.index(code) for code in fields["BYDAY"].split(",")) if fields.get("BYDAY") else ()
        bymonthday = int(fields["BYMONTHDAY"]) if fields.get("BYMONTHDAY") else None
    except ValueError:
        return None
    return Repeat(freq, max(1, interval), byday, bymonthday)


def is_valid(rule: str) -> bool:
    if len(rule) > MAX_RULE or from_rule(rule) is None:
        return False
    try:
        rrulestr(rule, dtstart=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    except (ValueError, TypeError):
        return False
    return True


def occurrence_after(rule: str, start: dt.datetime, after: dt.datetime, *, inclusive: bool = False
                     ) -> dt.datetime | None:
    """The first occurrence of ``rule`` (DTSTART ``start``) after ``after``; naive local wall-clock times."""
    found = rrulestr(rule, dtstart=start).after(after, inc=inclusive)
    return found if isinstance(found, dt.datetime) else None


def next_occurrence(rule: str, start: dt.datetime) -> dt.datetime | None:
    """The occurrence after ``start`` (itself an occurrence): where Done or Skip moves a repeating item."""
    return occurrence_after(rule, start, start)


def first_day(repeat: Repeat, base: dt.date, clock: dt.time | None, now: dt.datetime) -> dt.datetime | None:
    """The first occurrence from ``base`` on that is still ahead of ``now`` (naive local): with a clock, strictly
    after now; without one, from today on."""
    start = dt.datetime.combine(base, clock or dt.time())
    rule = replace(repeat, interval=1).rule  # "every other Monday" starts on the next Monday, not in two weeks
    if clock is None:
        return occurrence_after(rule, start, dt.datetime.combine(now.date(), dt.time()), inclusive=True)
    return occurrence_after(rule, start, now.replace(second=0, microsecond=0))


def first_for_rule(rule: str, base: dt.date, clock: dt.time | None, now: dt.datetime) -> dt.datetime | None:
    """``first_day`` of a stored rule (a repeating item whose time was just answered)."""
    repeat = from_rule(rule)
    return first_day(repeat, base, clock, now) if repeat is not None else None


def is_occurrence(rule: str, start: dt.datetime, candidate: dt.datetime) -> bool:
    """Whether ``candidate`` is an occurrence of ``rule`` from ``start`` on (naive local wall-clock times)."""
    if candidate < start:
        return False
    return candidate in rrulestr(rule, dtstart=start).between(start, candidate, inc=True)
