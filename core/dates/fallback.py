"""Dates in languages other than Russian and English, through ``dateparser``, when the own rules found nothing.

``dateparser`` reads the day well ("demain", "am Freitag", "le 25 décembre", "jutro") but guesses at bare hours
("um 15" as the 15th of a month, "às 9h" as 19:00). So the clock is taken out of the phrase and read here:
"15:00", "15h30", "18 Uhr" as written; a bare hour 13–23 (or 0) as certain; a bare hour 1–12 as both readings,
like "в 9" (the contract's rule, since "de la tarde" and friends are not understood). The rest of the phrase must
be a date word ``dateparser`` understands; a lone word counts only when it names a day within a week ("demain",
"Freitag"), so that "mars" in "a mars bar" or "Dom" in "call Dom" stays text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

LANGUAGES = ["de", "fr", "es", "it", "pt", "uk", "pl", "nl", "tr"]
_NEAR_DAYS = 7
MAX_TEXT = 300  # longer texts (a dictated page) are not searched: dateparser is slow on them

# Clocks the own rules do not read: "15h", "9h30", "15 Uhr", "um 15", "alle 18", "às 9h", "o 10". A bare number
# after a preposition counts only next to a date ("domani alle 18"): "alle 5 Minuten" is no time.
_PREP = r"(?:um|alle|ore|às|a\s+las|a\s+la|à|o|om|saat)"
_CLOCK = re.compile(
    rf"(?<!\w)(?:{_PREP}\s+)?(?P<h>\d{{1,2}})(?:h|\s*uhr\s*)(?P<m>\d{{2}})(?!\d)"
    rf"|(?<!\w)(?:{_PREP}\s+)?(?P<h2>\d{{1,2}})\s*(?:h|uhr|godz\.?)(?!\w)"
    rf"|(?<!\w){_PREP}\s+(?P<h3>\d{{1,2}})(?!\w|[.:/-]\d)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]{3,}")


_DATE_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
              "year", "month", "week", "day", "ago", "in")


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Every word these languages name a day with (months, weekdays, "morgen", "demain", "la semana que viene"…),
    read once from ``dateparser``'s own locale data."""
    from dateparser.languages.loader import default_loader

    words: set[str] = set()
    for code in LANGUAGES:
        info = default_loader.get_locale(code).info
        phrases = [p for key in _DATE_KEYS for p in info.get(key, [])]
        phrases += [p for group in info.get("relative-type", {}).values() for p in group]
        words.update(w.casefold() for phrase in phrases for w in _WORD.findall(str(phrase)))
    return frozenset(words)


def may_name_a_day(text: str) -> bool:
    """Whether ``text`` has a word another language names a day with: the cheap test before ``dateparser``, which
    costs milliseconds a phrase (most notes name no day at all)."""
    known = vocabulary()
    return any(word.casefold() in known for word in _WORD.findall(text))


def _settings(now: dt.datetime) -> dict[str, Any]:
    return {"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "future"}


def _clock(found: re.Match[str]) -> tuple[dt.time | None, list[dt.time]] | None:
    hour, minute = int(found["h"] or found["h2"] or found["h3"]), int(found["m"] or 0)
    if hour > 23 or minute > 59:
        return None
    if found["m"] is None and 1 <= hour <= 11:
        return None, [dt.time(hour), dt.time(hour + 12)]
    return dt.time(hour, minute), []


def _plausible(phrase: str, day: dt.date, now: dt.datetime) -> bool:
    """A date word is in the phrase; a lone word ("demain", "Freitag") only when it names a day within a week."""
    words = _WORD.findall(phrase)
    if not words:
        return False  # "2.11", "101": numbers, not dates
    if len(words) == 1 and not any(ch.isdigit() for ch in phrase):
        return len(words[0]) >= 4 and 0 <= (day - now.date()).days <= _NEAR_DAYS
    return True


def _cut(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _find_day(text: str, now: dt.datetime) -> tuple[dt.date, str] | None:
    """The first plausible date phrase: what ``search_dates`` finds, else a single word ("morgen", which its
    search skips)."""
    from dateparser import parse as dateparser_parse
    from dateparser.search import search_dates

    settings = _settings(now)
    try:
        found = search_dates(text, languages=LANGUAGES, settings=settings) or []
    except (ValueError, OverflowError):
        found = []
    for phrase, moment in found:
        if _plausible(phrase, moment.date(), now):
            return moment.date(), phrase
    for word in dict.fromkeys(_WORD.findall(text)):
        moment = dateparser_parse(word, languages=LANGUAGES, settings=settings) if len(word) >= 4 else None
        if moment is not None and _plausible(word, moment.date(), now):
            return moment.date(), word
    return None


@dataclass(frozen=True)
class Found:
    """What another language's phrase said: the day (None if no day was named), the clock, the rest of the text."""

    day: dt.date | None
    time: dt.time | None
    candidates: list[dt.time]
    remainder: str


def parse_other_language(text: str, now: dt.datetime) -> Found | None:
    """The date and clock of ``text`` in another language (``now`` is local and aware), or None."""
    if len(text) > MAX_TEXT:
        return None
    clock_match = _CLOCK.search(text)
    clock = _clock(clock_match) if clock_match else None
    rest = _cut(text, *clock_match.span()) if clock_match and clock else text
    day_found = _find_day(rest, now) if may_name_a_day(rest) else None
    day: dt.date | None = None
    if day_found is not None:
        day, phrase = day_found
        start = rest.find(phrase)
        rest = _cut(rest, start, start + len(phrase))
    if clock_match is not None and clock is not None and clock_match["h3"] and day is None:
        clock = None  # "alle 5 Minuten": a bare number after a preposition needs a date beside it
    if day is None and clock is None:
        return None
    time, candidates = clock if clock else (None, [])
    return Found(day, time, candidates, re.sub(r"\s+", " ", rest).strip(" ,.;:-"))
