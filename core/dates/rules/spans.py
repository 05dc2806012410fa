"""Spans of time: "через 2 часа", "in 3 days" (from now) and "на 45 минут", "for an hour" (how long)."""

from __future__ import annotations

import re

from core.dates.facts import Span
from core.dates.rules.common import (
    QUAL,
    B,
    Context,
    E,
)

QTY = r"(?:\d+(?:[.,]\d+)?|пару|пары|пара|a\s+couple\s+of|a|an)"
UNIT = (
    r"(?:минут[ауы]?|минутк[уи]|мин\.?|часов|часа|час|ч\.?|дней|дня|день|суток|сутки|недел[юиь]|месяцев|месяца"
    r"|месяц|года|год|лет|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)(?!\w)"
)
HALF_UNIT = (
    r"(?:пол\s?-?(?:часа|года|минуты|дня)|half\s+an?\s+(?:hour|day)|четверть\s+часа"
    r"|(?:a\s+)?quarter\s+of\s+an\s+hour)"
)
PART = rf"(?:(?:{QTY})\s*-?\s*{UNIT}|{HALF_UNIT}|{UNIT})"
NEXT_PART = rf"(?:(?:{QTY})\s*-?\s*{UNIT}|{HALF_UNIT})"
SPAN = rf"{PART}(?:\s*(?:,|и|and)?\s*{NEXT_PART})*(?:\s+and\s+a\s+half|\s+с\s+половиной)?"
_PART_PARSE = re.compile(
    rf"(?:(?P<q>{QTY})\s*-?\s*)?(?P<u>{UNIT})|(?P<half>{HALF_UNIT})|(?P<andhalf>and\s+a\s+half|с\s+половиной)"
)

# unit prefix → (kind, factor): minutes, days or months
_UNITS = [
    ("мин", "min", 1), ("min", "min", 1), ("ч", "min", 60), ("h", "min", 60),
    ("д", "day", 1), ("сут", "day", 1), ("day", "day", 1), ("нед", "day", 7), ("week", "day", 7),
    ("мес", "month", 1), ("month", "month", 1), ("год", "month", 12), ("лет", "month", 12), ("year", "month", 12),
]


def _unit(word: str) -> tuple[str, int]:
    for prefix, kind, factor in _UNITS:
        if word.startswith(prefix):
            return kind, factor
    return "min", 1


def _quantity(text: str | None) -> float:
    if not text:
        return 1.0
    if text[0].isdigit():
        return float(text.replace(",", "."))
    return 2.0 if text.startswith(("пар", "a couple")) else 1.0


def parse_span(text: str) -> tuple[Span, bool] | None:
    """Span of "2 часа 30 минут", "полтора часа", "an hour and a half"; and whether a number was written."""
    minutes = days = months = 0.0
    counted = False
    last: tuple[str, float] | None = None
    for part in _PART_PARSE.finditer(text):
        if part["andhalf"]:
            if last is None:
                return None
            kind, amount = last[0], last[1] / 2
        elif part["half"]:
            word = part["half"]
            if "четверть" in word or "quarter" in word:
                kind, amount = "min", 15.0
            elif "год" in word:
                kind, amount = "month", 6.0
            elif "дня" in word or "day" in word:
                kind, amount = "min", 720.0
            elif "минут" in word:
                kind, amount = "min", 0.5
            else:
                kind, amount = "min", 30.0
            counted = True
        else:
            kind, factor = _unit(part["u"])
            amount = _quantity(part["q"]) * factor
            counted = counted or bool(part["q"] and part["q"][0].isdigit())
            counted = counted or bool(part["q"] and part["q"].startswith(("пар", "a couple")))
        last = (kind, amount)
        if kind == "min":
            minutes += amount
        elif kind == "day":
            days += amount
        else:
            months += amount
    if days != int(days):
        minutes += (days - int(days)) * 1440
    if months != int(months):
        days += round((months - int(months)) * 30)
    span = Span(minutes=round(minutes), days=int(days), months=int(months))
    if not (span.minutes or span.days or span.months):
        return None
    return span, counted


RELATIVE = re.compile(
    rf"{B}(?:(?:через|спустя|in|within)\s+(?P<a>{SPAN})|(?P<b>{SPAN})\s+(?:from\s+now|later|спустя)){E}"
)


def read_relative(match: re.Match[str], ctx: Context) -> bool:
    parsed = parse_span(match["a"] or match["b"])
    if parsed is None:
        return False
    if ctx.facts.span is None:
        ctx.facts.span = parsed[0]
    return True


def _span_minutes(span: Span) -> int | None:
    if span.months:
        return None
    return span.minutes + span.days * 1440


DURATION = re.compile(
    rf"{B}(?:на|for|длительностью|продолжительностью|длиной|lasting|в\s+течени[ея])\s+(?P<s>{SPAN}){E}"
    rf"(?!\s*(?:{QUAL}|\d))"
)


def _set_duration(ctx: Context, minutes: int | None) -> bool:
    if not minutes:
        return False
    if ctx.facts.duration_min is None:
        ctx.facts.duration_min = minutes
    return True


def read_duration(match: re.Match[str], ctx: Context) -> bool:
    parsed = parse_span(match["s"])
    return _set_duration(ctx, _span_minutes(parsed[0]) if parsed else None)


BARE_DURATION = re.compile(
    rf"{B}(?:(?P<s>{SPAN})|(?P<q>\d+(?:[.,]\d+)?)-(?P<u>minute|min|hour|hr)){E}(?!\s*(?:{QUAL}))"
)


def read_bare_duration(match: re.Match[str], ctx: Context) -> bool:
    if match["q"]:
        factor = 60 if match["u"].startswith("h") else 1
        minutes: int | None = round(float(match["q"]) * factor)
    else:
        parsed = parse_span(match["s"])
        if parsed is None or not parsed[1] or parsed[0].days or parsed[0].months:
            return False  # "2 дня" alone is not a meeting length; "час" alone is not a number
        minutes = _span_minutes(parsed[0])
    return _set_duration(ctx, minutes)
