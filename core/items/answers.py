"""Reading a text sent while a question is pending: is it the answer, and which time does it pick?

A text is an answer only when it is about time and nothing else ("вечером", "в 10:30", "21",
"завтра в 9 вечера", "давай в 11", "отмена"). A text with other words ("встреча с Петей в 10:30") is a new
item, and the question stays open.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from core.dates import parse, parse_clarification
from core.dates.numerals import normalize, prepare
from core.dates.parser import local_now, scan
from core.items.render import part_of_day


class AnswerKind(enum.StrEnum):
    CANCEL = "cancel"
    TIME = "time"  # a time was picked (``time``; ``day`` when a date was said too)
    PARTIAL = "partial"  # about time, but not enough for one time ("в 9" again, "завтра")
    NONE = "none"  # not an answer: a new item


@dataclass(frozen=True)
class Answer:
    kind: AnswerKind
    time: dt.time | None = None
    day: dt.date | None = None
    candidates: list[dt.time] = field(default_factory=list)
    duration_min: int | None = None


_CANCEL = re.compile(
    r"^\s*(?:отмена|отменить|отмени(?:те)?|не\s+надо|cancel|stop|never\s*mind|forget\s+it)\s*[.!]*\s*$",
    re.IGNORECASE,
)
_PLAIN_CLOCK = re.compile(r"^\s*(?:в|во|на|at)?\s*\d{1,2}(?:[:.]\d{2})?\s*[.!]?\s*$", re.IGNORECASE)
_PARTS = {
    "morning": r"утр\w*|morning", "day": r"дн[её]м|день|после\s+обеда|afternoon",
    "evening": r"вечер\w*|evening|tonight", "night": r"ноч\w*|night",
}
_PART_ONLY = re.compile(
    r"^\s*(?:(?:in\s+the|at|this|с|в)\s+)?(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _PARTS.items()) + r")\s*$",
    re.IGNORECASE,
)
_BARE_HOUR = re.compile(r"^\s*(?:в|во|на|at)?\s*(?P<h>\d{1,2})\s*[.!]?\s*$", re.IGNORECASE)
_FILLERS = re.compile(
    r"(?<!\w)(?:давай(?:те)?|лучше|ну|тогда|пусть|можно|пожалуйста|наверное|ок|окей|да|let'?s|make\s+it"
    r"|better|please|ok|okay|yes|maybe|then)(?!\w)",
    re.IGNORECASE,
)


def says_date(text: str, now: dt.datetime, tz: str) -> bool:
    """Whether the text names a day ("завтра", "25.12", "в пятницу", "через 2 дня"), not just a time."""
    facts, _ = scan(prepare(text).text, local_now(now, tz).date())
    return facts.date is not None or facts.weekday is not None or facts.next_week or facts.span is not None


def _strip_filler(text: str) -> str:
    return re.sub(r"[\s,.!?;:()\-–—]+", " ", _FILLERS.sub(" ", text)).strip()


def _part_said(text: str) -> str | None:
    found = _PART_ONLY.match(_strip_filler(normalize(text)))
    return next((name for name, value in found.groupdict().items() if value), None) if found else None


def _bare_hour_readings(text: str) -> list[dt.time]:
    found = _BARE_HOUR.match(normalize(text))
    hour = int(found["h"]) if found else 0
    return [dt.time(hour), dt.time(hour + 12)] if 1 <= hour <= 11 else []


def _by_part(part: str | None, candidates: list[dt.time]) -> dt.time | None:
    matching = [c for c in candidates if part_of_day(c) == part] if part else []
    return matching[0] if len(matching) == 1 else None


def read_answer(text: str, now: dt.datetime, tz: str, candidates: list[dt.time]) -> Answer:
    if _CANCEL.match(text):
        return Answer(AnswerKind.CANCEL)
    parsed = parse(text, now, tz)
    plain = _PLAIN_CLOCK.match(normalize(text)) is not None
    part = parsed.part_of_day or _part_said(text)
    about_time = not parsed.is_empty or part is not None
    if not plain and not (about_time and (not _strip_filler(parsed.remainder) or _part_said(parsed.remainder))):
        return Answer(AnswerKind.NONE)
    day = parsed.date if says_date(text, now, tz) else None
    by_part = _by_part(part, candidates) if parsed.time is None else None
    chosen = by_part or parse_clarification(text, now, tz, candidates)
    if chosen is not None:
        return Answer(AnswerKind.TIME, time=chosen, day=day, duration_min=parsed.duration_min)
    readings = list(parsed.candidates) or _bare_hour_readings(text)
    return Answer(AnswerKind.PARTIAL, day=day, candidates=readings, duration_min=parsed.duration_min)
