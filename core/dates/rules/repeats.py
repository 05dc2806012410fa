"""Repeats: "каждый понедельник", "по будням", "ежедневно", "every other week", "каждое 1-е число", "monthly".

They run first, so that "каждый понедельник" is not read as the next Monday only and "каждые 2 часа" not as a
length. A day said apart from the repeat ("каждый месяц 15-го", "every week on Friday") is read by the date rules
and joined to the repeat when the phrase is resolved.
"""

from __future__ import annotations

import re

from core.dates import lexicon as lx
from core.dates.recurrence import WEEKEND, WORKDAYS, Repeat
from core.dates.rules.common import B, Context, E

# weekday forms after "каждый/каждую/every" and after "по/on" (dative plural, English plural)
_SINGLE_DAYS = {form: day for form, day in lx.WEEKDAYS.items()}
_PLURAL_DAYS = {
    "понедельникам": 0, "вторникам": 1, "средам": 2, "четвергам": 3, "пятницам": 4, "субботам": 5,
    "воскресеньям": 6, "mondays": 0, "tuesdays": 1, "wednesdays": 2, "thursdays": 3, "fridays": 4,
    "saturdays": 5, "sundays": 6,
}
_DAYS = {**_SINGLE_DAYS, **_PLURAL_DAYS}
_DAY = "(?:" + "|".join(sorted(_DAYS, key=len, reverse=True)) + r")(?!\w)"
_PLURAL_DAY = "(?:" + "|".join(sorted(_PLURAL_DAYS, key=len, reverse=True)) + r")(?!\w)"
_JOIN = r"\s*(?:,|и|and|&)?\s*(?:(?:кажд(?:ый|ую|ое)|по|every|on)\s+)?"
_EVERY_RU = r"(?:кажд(?:ый|ую|ое|ого|ые|ой))"
_OTHER = r"(?:втор(?:ой|ую|ое)|other|second|alternate)"
_COUNT = r"\d{1,2}|две|два|other"

WEEKDAYS = re.compile(
    rf"{B}(?:(?:{_EVERY_RU}|every|each)\s+(?:(?P<other>{_OTHER})\s+)?(?P<a>{_DAY}(?:{_JOIN}{_DAY})*)"
    rf"|(?:(?:еженедельно\s+)?по|(?:weekly\s+)?on)\s+(?P<b>{_PLURAL_DAY}(?:{_JOIN}{_PLURAL_DAY})*)"
    rf"|(?P<c>(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)"
    rf"(?:{_JOIN}(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays))*)){E}"
)


def read_weekdays(match: re.Match[str], ctx: Context) -> bool:
    words = match["a"] or match["b"] or match["c"]
    days = tuple(dict.fromkeys(_DAYS[word] for word in re.findall(_DAY, words)))
    return _set(ctx, Repeat("WEEKLY", 2 if match["other"] else 1, byday=days))


WORKWEEK = re.compile(
    rf"{B}(?P<w>(?:по|в)\s+будн(?:ям|им\s+дням|и)|по\s+рабочим\s+дням|кажд(?:ый|ого)\s+будн(?:ий|его)\s+дн(?:я|ь)"
    rf"|(?:every|each)\s+(?:week|work\s*|business\s+)day|(?:on\s+)?weekdays|(?:on\s+)?workdays"
    rf"|(?P<end>по\s+выходным(?:\s+дням)?|кажд(?:ые|ую)\s+(?:выходные|субботу\s+и\s+воскресенье)"
    rf"|(?:every|each)\s+weekend|(?:on\s+)?weekends)){E}"
)


def read_workweek(match: re.Match[str], ctx: Context) -> bool:
    return _set(ctx, Repeat("WEEKLY", byday=WEEKEND if match["end"] else WORKDAYS))


_UNIT_FREQ = [("час", "HOURLY"), ("hour", "HOURLY"), ("дн", "DAILY"), ("день", "DAILY"), ("day", "DAILY"),
              ("сут", "DAILY"), ("недел", "WEEKLY"), ("week", "WEEKLY"), ("месяц", "MONTHLY"),
              ("month", "MONTHLY"), ("год", "YEARLY"), ("лет", "YEARLY"), ("year", "YEARLY")]
_UNIT = r"(?:часа|часов|час|дня|дней|день|сутки|суток|недели|недель|неделю|месяца|месяцев|месяц|года|лет|год" \
    r"|hours?|days?|weeks?|months?|years?)(?!\w)"

EVERY = re.compile(
    rf"{B}(?:{_EVERY_RU}\s+(?:(?P<other>{_OTHER})\s+|(?P<n>{_COUNT})\s+)?(?P<u>{_UNIT})"
    rf"|раз\s+в\s+(?:(?P<n3>{_COUNT})\s+)?(?P<u2>{_UNIT})"
    rf"|(?:every|each)\s+(?:(?P<other2>{_OTHER})\s+|(?P<n2>\d{{1,2}})\s+)?(?P<u3>{_UNIT})"
    rf"|(?P<adverb>ежечасно|ежедневно|каждодневно|еженедельно|ежемесячно|ежегодно|hourly|daily|everyday|weekly"
    rf"|biweekly|fortnightly|monthly|yearly|annually)"
    rf"|(?P<month_end>(?:числа\s+)?кажд(?:ого|ый)\s+месяца|of\s+(?:every|each)\s+month)){E}"
)
_ADVERBS = {"ежечасно": "HOURLY", "ежедневно": "DAILY", "каждодневно": "DAILY", "еженедельно": "WEEKLY",
            "ежемесячно": "MONTHLY", "ежегодно": "YEARLY", "hourly": "HOURLY", "daily": "DAILY", "everyday": "DAILY",
            "weekly": "WEEKLY", "biweekly": "WEEKLY", "fortnightly": "WEEKLY", "monthly": "MONTHLY",
            "yearly": "YEARLY", "annually": "YEARLY"}


def _freq(unit: str) -> str:
    return next(freq for prefix, freq in _UNIT_FREQ if unit.startswith(prefix))


def read_every(match: re.Match[str], ctx: Context) -> bool:
    if match["adverb"]:
        word = match["adverb"]
        return _set(ctx, Repeat(_ADVERBS[word], 2 if word in ("biweekly", "fortnightly") else 1))
    if match["month_end"]:
        return _set(ctx, Repeat("MONTHLY"))
    unit = match["u"] or match["u2"] or match["u3"]
    count = match["n"] or match["n2"] or match["n3"]
    other = match["other"] or match["other2"] or count == "other"
    interval = 2 if other or count in ("две", "два") else int(count) if count and count.isdigit() else 1
    if interval < 1:
        return False
    return _set(ctx, Repeat(_freq(unit), interval))


# "каждое утро", "every evening": daily, and the part of the day dates the clock ("каждый вечер в 9" is 21:00)
PART = re.compile(
    rf"{B}(?:кажд(?:ое|ый|ую)\s+(?P<ru>утро|вечер|ночь)|(?:every|each)\s+(?P<en>morning|afternoon|evening|night)"
    rf"|(?P<tonight>nightly)){E}"
)
_PARTS = {"утро": lx.MORNING, "вечер": lx.EVENING, "ночь": lx.NIGHT, "morning": lx.MORNING,
          "afternoon": lx.DAY, "evening": lx.EVENING, "night": lx.NIGHT}


def read_part(match: re.Match[str], ctx: Context) -> bool:
    word = match["ru"] or match["en"] or "night"
    if ctx.facts.part_of_day is None:
        ctx.facts.part_of_day = _PARTS[word]
    return _set(ctx, Repeat("DAILY"))


# "каждое 1-е число", "каждого 15-го": the word "каждое" before a day of the month; the day rule reads the day
MONTH_DAY = re.compile(rf"{B}(?:кажд(?:ое|ого|ый)|ежемесячно)(?=\s+\d{{1,2}}(?:\s*-?\s*(?:е|ое|го|ого))?(?!\d))")


def read_month_day(match: re.Match[str], ctx: Context) -> bool:
    return _set(ctx, Repeat("MONTHLY"))


MONTHLY_ON = re.compile(
    rf"{B}(?:(?:(?:every|each)\s+month|monthly)\s+on\s+the\s+(?P<a>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?:every|each)\s+(?P<b>\d{{1,2}})(?:st|nd|rd|th)\s+(?:of\s+the\s+|of\s+each\s+|of\s+every\s+)?month){E}"
)


def read_monthly_on(match: re.Match[str], ctx: Context) -> bool:
    day = int(match["a"] or match["b"])
    return 1 <= day <= 31 and _set(ctx, Repeat("MONTHLY", bymonthday=day))


def _set(ctx: Context, repeat: Repeat) -> bool:
    if ctx.facts.repeat is None:
        ctx.facts.repeat = repeat
    return True
