"""The result of reading a date/time phrase."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ParsedDate:
    """What a phrase says about *when*.

    ``time`` is set only when the clock reading is certain; a bare hour such as "в 9" leaves it ``None``
    and lists both readings in ``candidates``. ``part_of_day`` ("morning", "day", "evening", "night")
    keeps a vague "вечером"/"tonight" for the clarifying question; it is not part of the CLI contract.
    ``recurrence`` is the repeat ("каждый понедельник" → "FREQ=WEEKLY;BYDAY=MO"); then ``date`` is the first
    occurrence still ahead.
    """

    date: dt.date | None = None
    time: dt.time | None = None
    candidates: list[dt.time] = field(default_factory=list)
    duration_min: int | None = None
    end_time: dt.time | None = None
    remainder: str = ""
    part_of_day: str | None = None
    recurrence: str | None = None  # an RRULE without DTSTART ("FREQ=WEEKLY;BYDAY=MO"); ``date`` is the first day

    @property
    def is_empty(self) -> bool:
        return self.date is None and self.time is None and not self.candidates and self.duration_min is None

    @property
    def is_ambiguous(self) -> bool:
        return self.time is None and bool(self.candidates)

    def to_contract(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "time": _hhmm(self.time) if self.time else None,
            "candidates": [_hhmm(c) for c in self.candidates],
            "duration_min": self.duration_min,
            "recurrence": self.recurrence,
        }

    def start(self, tz: str) -> dt.datetime | None:
        """The aware start moment in ``tz`` when both the date and the time are known."""
        if self.date is None or self.time is None:
            return None
        return dt.datetime.combine(self.date, self.time, tzinfo=ZoneInfo(tz))

    def end(self, tz: str) -> dt.datetime | None:
        """Start plus duration, when both are known."""
        begin = self.start(tz)
        if begin is None or self.duration_min is None:
            return None
        return (begin.astimezone(dt.UTC) + dt.timedelta(minutes=self.duration_min)).astimezone(ZoneInfo(tz))


def _hhmm(value: dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"
