"""Answers to a clarifying question, and the ``/set #ID [дата] [в] HH[:MM] [мин]`` command."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from core.dates import daymath
from core.dates import lexicon as lx
from core.dates.errors import DateParseError
from core.dates.facts import to_24h
from core.dates.model import ParsedDate
from core.dates.numerals import normalize
from core.dates.parser import local_now, nearest_date, parse

_ANSWER_PARTS = [
    (re.compile(r"(?<!\w)(?:утр\w*|с\s+утра|morning|am|a\.m\.?)(?!\w)"), lx.MORNING),
    (re.compile(r"(?<!\w)(?:вечер\w*|evening|tonight|pm|p\.m\.?)(?!\w)"), lx.EVENING),
    (re.compile(r"(?<!\w)(?:дн[яе]м?|день|после\s+обеда|afternoon)(?!\w)"), lx.DAY),
    (re.compile(r"(?<!\w)(?:ноч\w*|night)(?!\w)"), lx.NIGHT),
]
_PLAIN_CLOCK = re.compile(r"^\s*(?:в|at)?\s*(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*[.!]?\s*$")


def parse_clarification(
    text: str, now: dt.datetime, tz: str = "Europe/Moscow", candidates: list[dt.time] | None = None
) -> dt.time | None:
    """The time meant by an answer to "9:00 or 21:00?": "вечером", "утром", "evening", "в 10:30", "21".

    A part of the day picks the matching candidate; an explicit time is taken as said (even when it is not
    a candidate, the user just changed their mind); anything still ambiguous gives None.
    """
    options = list(candidates or [])
    parsed = parse(text, now, tz)
    if parsed.time is not None:
        return parsed.time
    plain = _PLAIN_CLOCK.match(normalize(text))
    if plain:
        hour, minute = int(plain["h"]), int(plain["m"] or 0)
        if hour > 23 or minute > 59:
            return None
        certain = plain["m"] is not None or hour == 0 or hour >= 12
        return dt.time(hour, minute) if certain else None  # a bare "9" only repeats the question
    part = parsed.part_of_day or _answer_part(normalize(text))
    if part is None or not options:
        return None
    base = options[0]
    twelve_hour = base.hour % 12 or 12
    wanted = dt.time(to_24h(twelve_hour, part), base.minute)
    return wanted if wanted in options else None


def _answer_part(text: str) -> str | None:
    for pattern, part in _ANSWER_PARTS:
        if pattern.search(text):
            return part
    return None


def resolve_choice(parsed: ParsedDate, chosen: dt.time, now: dt.datetime, tz: str = "Europe/Moscow") -> ParsedDate:
    """``parsed`` with the clarified time: the date (if none was said) is that time's nearest occurrence."""
    date = parsed.date or nearest_date(chosen, local_now(now, tz))
    return replace(parsed, date=date, time=chosen, candidates=[], end_time=_plus(chosen, parsed.duration_min))


# at most 18 digits: an #ID the database can hold (a longer number is no #ID at all)
_SET_HEAD = re.compile(r"^\s*(?:/set(?:@\w+)?\s*)?(?:#\s*)?(?P<id>\d{1,18})(?!\S)\s*(?P<rest>.*)$", re.DOTALL)
_CLOCK_TOKEN = re.compile(r"^(?P<h>\d{1,2})(?:(?P<sep>[:.])(?P<m>\d{2}))?$")
_DURATION_TOKEN = re.compile(r"^(?P<n>\d{1,4})(?:мин\.?|min)?$")
_DURATION_UNIT = {"мин", "мин.", "минут", "минуты", "min", "mins", "minutes"}


def parse_set_command(args: str, now: dt.datetime, tz: str = "Europe/Moscow") -> tuple[int, ParsedDate]:
    """``/set #ID [дата] [в] HH[:MM] [мин]`` → (item id, schedule). ``HH`` is 24-hour here.

    "/set #12 завтра в 10:30 45", "/set 12 25.12 9", "/set #12 21". Phrases the general reader
    understands without doubt are accepted too ("/set #12 завтра в 9 вечера на час").
    Raises :class:`DateParseError` with ERR_SET_NO_ID, ERR_SET_NO_TIME, ERR_SET_BAD_TIME,
    ERR_SET_BAD_DATE or ERR_SET_BAD_DURATION.
    """
    head = _SET_HEAD.match(normalize(args))
    if head is None:
        raise DateParseError("ERR_SET_NO_ID", "Укажите номер записи: /set #ID [дата] [в] HH[:MM] [мин]")
    item_id = int(head["id"])
    tokens = head["rest"].split()
    if len(tokens) >= 2 and tokens[-1] in _DURATION_UNIT:
        tokens = tokens[:-1]
    problems: list[str] = []
    for with_duration in (True, False):
        reading = _read_set_tail(tokens, with_duration)
        if isinstance(reading, str):
            problems.append(reading)
            continue
        words, clock, duration = reading
        current = local_now(now, tz)
        date = _date_from_words(words, now, tz) if words else nearest_date(clock, current)
        if date is None:
            problems.append("ERR_SET_BAD_DATE")
            continue
        return item_id, ParsedDate(date=date, time=clock, duration_min=duration,
                                   end_time=_plus(clock, duration))
    loose = parse(head["rest"], now, tz)
    if loose.date and loose.time and not loose.remainder:
        return item_id, replace(loose, remainder="")
    for code in ("ERR_SET_BAD_DURATION", "ERR_SET_BAD_DATE", "ERR_SET_BAD_TIME"):
        if code in problems:
            raise DateParseError(code, _SET_MESSAGES[code])
    raise DateParseError("ERR_SET_NO_TIME", _SET_MESSAGES["ERR_SET_NO_TIME"])


_SET_MESSAGES = {
    "ERR_SET_NO_TIME": "Укажите время: /set #ID [дата] [в] HH[:MM] [мин]",
    "ERR_SET_BAD_TIME": "Время должно быть в виде HH или HH:MM, от 00:00 до 23:59",
    "ERR_SET_BAD_DATE": "Не понял дату. Пример: /set #12 завтра в 10:30 45",
    "ERR_SET_BAD_DURATION": "Длительность — целое число минут, от 1 до 1440",
}


def _read_set_tail(tokens: list[str], with_duration: bool) -> tuple[list[str], dt.time, int | None] | str:
    """Split "[дата] [в] HH[:MM] [мин]" from the end, or say (as an error code) why this reading fails."""
    rest = list(tokens)
    duration: int | None = None
    if with_duration:
        found = _DURATION_TOKEN.match(rest[-1]) if len(rest) >= 2 else None
        if found is None:
            return "ERR_SET_NO_TIME"
        duration = int(found["n"])
        rest = rest[:-1]
    clock = _CLOCK_TOKEN.match(rest[-1]) if rest else None
    if clock is None:
        return "ERR_SET_NO_TIME"
    hour, minute = int(clock["h"]), int(clock["m"] or 0)
    if clock["sep"] == "." and 1 <= minute <= 12 and 1 <= hour <= 31:
        return "ERR_SET_NO_TIME"  # "12.12" is a date here, not 12:12
    if hour > 23 or minute > 59:
        return "ERR_SET_BAD_TIME"
    if duration is not None and not 1 <= duration <= 24 * 60:
        return "ERR_SET_BAD_DURATION"
    words = rest[:-1]
    if words and words[-1] in ("в", "во", "at", "на", "к"):
        words = words[:-1]
    return words, dt.time(hour, minute), duration


def _date_from_words(words: list[str], now: dt.datetime, tz: str) -> dt.date | None:
    """The date of "завтра", "25.12", "в пятницу", "15 января"; None unless all the words are a date."""
    parsed = parse(" ".join(words), now, tz)
    if parsed.date is None or parsed.time is not None or parsed.candidates or parsed.remainder:
        return None
    return parsed.date


def _plus(time: dt.time, minutes: int | None) -> dt.time | None:
    return daymath.clock_plus(time, minutes) if minutes else None
