"""``parse()``: read a Russian or English phrase into a date, a time and a title.

Decisions not fixed by the architecture contract (documented here so callers can rely on them):

* A part of the day alone ("вечером", "tomorrow morning", "tonight") gives no time and no candidates;
  it is kept in ``part_of_day`` and dates the phrase: the day itself when named, else today while that
  part of the day is not over (morning until 12:00, day until 17:00, evening until midnight), else
  tomorrow; "ночью" is the coming night (today before 05:00, else tomorrow).
* A part of the day turns a bare hour into one reading ("завтра вечером в 7" → 19:00) and also a
  12-hour ``HH:MM`` ("tonight at 8:30" → 20:30); a qualifier next to the hour wins over it.
* An ambiguous bare hour with no date word gets a ``date`` only when both readings fall on the same day
  (at 08:00 "в 9" is today for both 09:00 and 21:00); otherwise ``date`` is null.
* "полночь"/"midnight"/"12 ночи" after a named day is the end of that day: "в пятницу в полночь" is
  Saturday 00:00.
* "next Friday"/"в следующий вторник" is the same as "Friday"/"во вторник": the next one after today.
  "на следующей неделе в среду" is the Wednesday of next week.
* "в следующем месяце"/"next month" is the 1st of next month; "next year" is January 1st; "на выходных"
  is the coming Saturday (today on a weekend day).
* Numeric dates are day first (24.12, 24/12); a slash date is month first only when it cannot be
  day first (12/24).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from zoneinfo import ZoneInfo

from core.dates import daymath as cal
from core.dates import lexicon as lx
from core.dates import recurrence
from core.dates.facts import (
    RANK_DAY_OF_MONTH,
    RANK_FULL,
    RANK_PERIOD,
    RANK_RELATIVE,
    RANK_WEEKDAY,
    Clock,
    Facts,
    is_midnight,
    readings,
)
from core.dates.fallback import parse_other_language
from core.dates.model import ParsedDate
from core.dates.numerals import prepare
from core.dates.rules import RULES, Context

_MASK = "\x00"


def local_now(now: dt.datetime, tz: str) -> dt.datetime:
    """``now`` as an aware datetime in ``tz`` (a naive ``now`` is already local time there)."""
    zone = ZoneInfo(tz)
    return now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)


def parse(text: str, now: dt.datetime, tz: str = "Europe/Moscow") -> ParsedDate:
    current = local_now(now, tz)
    prepared = prepare(text)
    facts, taken = scan(prepared.text, current.date())
    result = resolve(facts, current)
    spans = [prepared.source_span(start, end) for start, end in taken]
    result = replace(result, remainder=clean_remainder(text, spans))
    if not names_day(facts) and result.duration_min is None:
        result = _other_language(result, current)
    return result


def names_day(facts: Facts) -> bool:
    """Whether the text names a day ("завтра", "25.12", "в пятницу", "через 2 дня"), not just a time."""
    return (facts.date is not None or facts.weekday is not None or facts.next_week or facts.span is not None
            or facts.repeat is not None)


def _other_language(result: ParsedDate, now: dt.datetime) -> ParsedDate:
    """What ``dateparser`` reads in the words the own rules left ("demain à 15h", "morgen 15:00"), if anything.

    The own rules' clock wins over the other language's; the day is the other language's when it named one."""
    found = parse_other_language(result.remainder, now)
    if found is None:
        return result
    time, candidates = result.time, result.candidates
    if time is None and not candidates:
        time, candidates = found.time, found.candidates
    date = found.day
    if date is None and time is not None:
        date = nearest_date(time, now)
    elif date is None and candidates:
        options = {nearest_date(option, now) for option in candidates}
        date = options.pop() if len(options) == 1 else None
    elif date is None:
        date = result.date
    end_time = cal.clock_plus(time, result.duration_min) if time and result.duration_min else result.end_time
    return replace(result, date=date, time=time, candidates=candidates, end_time=end_time,
                   remainder=found.remainder)


def scan(text: str, today: dt.date) -> tuple[Facts, list[tuple[int, int]]]:
    """Run every rule over ``text``; return the facts and the spans the rules understood."""
    ctx = Context(Facts(), today)
    taken: list[tuple[int, int]] = []
    for pattern, handler in RULES:
        for match in list(pattern.finditer(text)):
            if match.end() > match.start() and handler(match, ctx):
                taken.append(match.span())
                text = text[: match.start()] + _MASK * (match.end() - match.start()) + text[match.end():]
    return ctx.facts, taken


def nearest_date(time: dt.time, now: dt.datetime) -> dt.date:
    """Today if ``time`` is still ahead, else tomorrow."""
    ahead = (time.hour, time.minute) > (now.hour, now.minute)
    return now.date() if ahead else now.date() + dt.timedelta(days=1)


def _gap(start: dt.time, end: dt.time) -> int:
    minutes = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % 1440
    return minutes or 1440


def _range(start: Clock, end: Clock, part: str | None) -> tuple[dt.time | None, list[dt.time], dt.time | None, int]:
    """Resolve "с 9 до 11 вечера": a certain end picks the start reading that makes the shortest meeting."""
    start_time, start_options = readings(start, part)
    end_time, end_options = readings(end, part)
    if start_time is None and end_time is not None:
        known_end = end_time
        start_time = min(start_options, key=lambda option: _gap(option, known_end))
    if end_time is None and start_time is not None:
        known_start = start_time
        end_time = min(end_options, key=lambda option: _gap(known_start, option))
    if start_time is not None and end_time is not None:
        return start_time, [], end_time, _gap(start_time, end_time)
    twelve = ((end.hour % 12) * 60 + end.minute - (start.hour % 12) * 60 - start.minute) % 720
    return None, start_options, None, twelve or 720


def _part_of_day_date(part: str, now: dt.datetime) -> dt.date:
    if part == lx.NIGHT:
        return now.date() if now.hour < 5 else now.date() + dt.timedelta(days=1)
    return now.date() if now.hour < lx.PART_OF_DAY_END[part] else now.date() + dt.timedelta(days=1)


def resolve(facts: Facts, now: dt.datetime) -> ParsedDate:
    today = now.date()
    part = facts.part_of_day
    if facts.weekday is not None:
        base = cal.monday_of_next_week(today) if facts.next_week else None
        day = base + dt.timedelta(days=facts.weekday) if base else cal.next_weekday(facts.weekday, today)
        facts.set_date(day, RANK_WEEKDAY)
    elif facts.next_week:
        facts.set_date(cal.monday_of_next_week(today), RANK_PERIOD)

    date = facts.date
    time: dt.time | None = None
    candidates: list[dt.time] = []
    end_time: dt.time | None = None
    duration = facts.duration_min
    midnight = False
    if facts.clock is not None:
        midnight = is_midnight(facts.clock, part)
        if facts.end_clock is not None:
            time, candidates, end_time, duration = _range(facts.clock, facts.end_clock, part)
        else:
            time, candidates = readings(facts.clock, part)

    span = facts.span
    if span is not None and span.minutes:
        moment = now.astimezone(dt.UTC) + dt.timedelta(minutes=span.minutes, days=span.days)
        local = moment.astimezone(now.tzinfo)
        date = cal.add_months(local.date(), span.months)
        time, candidates, end_time = local.time().replace(second=0, microsecond=0, tzinfo=None), [], None
    else:
        if span is not None and date is None:
            date = cal.add_months(today + dt.timedelta(days=span.days), span.months)
        if date is not None and midnight:
            date += dt.timedelta(days=1)

    if date is None:
        if time is not None:
            date = nearest_date(time, now)
        elif candidates:
            options = {nearest_date(option, now) for option in candidates}
            date = options.pop() if len(options) == 1 else None
        elif part is not None:
            date = _part_of_day_date(part, now)
    recurrence: str | None = None
    if facts.repeat is not None:
        date, time, recurrence = _first_occurrence(facts, date, time, candidates, now)
    if end_time is None and time is not None and duration:
        end_time = cal.clock_plus(time, duration)
    return ParsedDate(date=date, time=time, candidates=candidates, duration_min=duration, end_time=end_time,
                      part_of_day=part, recurrence=recurrence)


def _first_occurrence(facts: Facts, date: dt.date | None, time: dt.time | None, candidates: list[dt.time],
                      now: dt.datetime) -> tuple[dt.date | None, dt.time | None, str]:
    """A repeat's first occurrence still ahead: "каждый понедельник в 10:00" on a Monday at 09:00 is today.

    A day said apart from the repeat joins it ("каждый месяц 15-го" → BYMONTHDAY=15); a full date or a relative
    day ("каждый год 5 мая", "начиная с завтра") is where it starts. With two readings of the hour the date is
    set only when both readings start on the same day."""
    assert facts.repeat is not None
    day_of_month = facts.date.day if facts.date is not None and facts.date_rank == RANK_DAY_OF_MONTH else None
    repeat = facts.repeat.with_day(facts.weekday, day_of_month)
    starts = facts.date is not None and facts.date_rank in (RANK_FULL, RANK_RELATIVE)
    base = facts.date if starts and facts.date is not None else now.date()
    local = now.replace(tzinfo=None)
    if repeat.freq == "HOURLY" and time is None and not candidates:
        nxt = (local + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        return nxt.date(), nxt.time(), repeat.rule
    if time is not None or not candidates:
        first = recurrence.first_day(repeat, base, time, local)
        return (first.date() if first else date), time, repeat.rule
    days = {found.date() for option in candidates if (found := recurrence.first_day(repeat, base, option, local))}
    return (days.pop() if len(days) == 1 else None), time, repeat.rule


_TRAILING_WORD = re.compile(r"(?:^|\s)(?:в|во|на|к|с|до|по|и|или|at|on|in|by|for|from|to|and|or)\s*$", re.IGNORECASE)


def clean_remainder(text: str, spans: list[tuple[int, int]]) -> str:
    """The user's text without the understood words, tidy enough to be a title."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = _MASK * (end - start)
    result = re.sub(f"{_MASK}+", " ", "".join(chars))
    result = re.sub(r"\(\s*\)|\[\s*\]", " ", result)
    result = re.sub(r"\s+", " ", result)
    result = re.sub(r"\s+([,.;:!?)\]])", r"\1", result)
    result = re.sub(r"([(\[])\s+", r"\1", result)
    result = re.sub(r"([,;:])(?:\s*[,;:.])+", r"\1", result)
    result = re.sub(r"^[\s,.;:\-–—]+", "", result)
    previous = None
    while previous != result:
        previous = result
        result = result.rstrip(" ,.;:-–—")
        result = _TRAILING_WORD.sub("", result)
    return result.strip()
