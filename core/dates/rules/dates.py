"""Dates: "24.12", "15 января", "Dec 3", "25-го", "завтра", "в пятницу", "на следующей неделе", "вечером"."""

from __future__ import annotations

import datetime as dt
import re

from core.dates import daymath as cal
from core.dates import lexicon as lx
from core.dates.facts import RANK_DAY_OF_MONTH, RANK_FULL, RANK_PERIOD, RANK_RELATIVE, RANK_WEEKDAY
from core.dates.rules.clocks import make_clock, set_clock
from core.dates.rules.common import (
    DATE_PREP,
    HOURS_WORD,
    QUAL,
    YEAR_WORD,
    B,
    Context,
    E,
)


def set_date(ctx: Context, value: dt.date | None, rank: int) -> bool:
    if value is None:
        return False
    ctx.facts.set_date(value, rank)
    return True


def _year_or_nearest(ctx: Context, year: str | None, month: int, day: int) -> dt.date | None:
    if year:
        return cal.safe_date(cal.full_year(int(year)), month, day)
    return cal.nearest_month_day(month, day, ctx.today)


ISO = re.compile(rf"{B}(?:{DATE_PREP}\s+)?(?P<y>\d{{4}})-(?P<mo>\d{{1,2}})-(?P<d>\d{{1,2}})(?!-?\d)(?:t(?=\d))?")


def read_iso(match: re.Match[str], ctx: Context) -> bool:
    return set_date(ctx, cal.safe_date(int(match["y"]), int(match["mo"]), int(match["d"])), RANK_FULL)


NUMERIC = re.compile(
    rf"{B}(?:{DATE_PREP}\s+)?(?P<d>\d{{1,2}})(?P<sep>[./-])(?P<mo>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}|\d{{2}}){E}"
    rf"(?![.\-/]\d){YEAR_WORD}"
)


def read_numeric(match: re.Match[str], ctx: Context) -> bool:
    day, month = int(match["d"]), int(match["mo"])
    if match["sep"] == "/" and month > 12 >= day:  # 12/24/2026 is American month/day
        day, month = month, day
    return set_date(ctx, cal.safe_date(cal.full_year(int(match["y"])), month, day), RANK_FULL)


RU_MONTH = re.compile(
    rf"{B}(?:{DATE_PREP}\s+)?(?P<d>\d{{1,2}})(?:-?(?:го|ого|е|ое))?\s*(?P<mon>{lx.RU_MONTH_RE}){E}\.?"
    rf"(?:\s+(?P<y>\d{{4}}){E}(?![:.]\d){YEAR_WORD})?"
)
EN_DAY_MONTH = re.compile(
    rf"{B}(?:{DATE_PREP}\s+)?(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s*(?P<mon>{lx.EN_MONTH_RE}){E}\.?"
    rf"(?:,?\s+(?P<y>\d{{4}}){E}(?![:.]\d))?"
)
EN_MONTH_DAY = re.compile(
    rf"{B}(?:{DATE_PREP}\s+)?(?P<mon>{lx.EN_MONTH_RE}){E}\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?{E}"
    rf"(?![:.]\d|\s*(?:{QUAL}|{HOURS_WORD}))(?:,?\s+(?P<y>\d{{4}}){E}(?![:.]\d))?"
)


def read_month_name(match: re.Match[str], ctx: Context) -> bool:
    month = lx.MONTHS[match["mon"]]
    return set_date(ctx, _year_or_nearest(ctx, match["y"], month, int(match["d"])), RANK_FULL)


DOTTED = re.compile(rf"{B}(?:(?P<prep>{DATE_PREP})\s+)?(?P<d>\d{{1,2}})\.(?P<mo>\d{{2}})(?![.\d]){E}")


_NOT_A_DATE_BEFORE = re.compile(
    r"(?<!\w)(?:верси\w*|version|ver|v|глав\w*|chapter|пункт\w*|п|раздел\w*|section|стр|page|p|№|#)\.?\s*$"
)


def read_dotted(match: re.Match[str], ctx: Context) -> bool:
    first, second = int(match["d"]), int(match["mo"])
    if not match["prep"] and _NOT_A_DATE_BEFORE.search(match.string, 0, match.start()):
        return False  # "версия 2.11", "п. 3.10" are numbers
    if 1 <= second <= 12:
        return set_date(ctx, cal.nearest_month_day(second, first, ctx.today), RANK_FULL)
    if match["prep"] in ("с", "до", "после", "from", "till", "until", "after", "before", "на", "by"):
        return set_clock(ctx, make_clock(first, second, bare=False))
    return False


SLASH = re.compile(rf"{B}(?:{DATE_PREP}\s+)?(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?![/\d]){E}")


def read_slash(match: re.Match[str], ctx: Context) -> bool:
    first, second = int(match["a"]), int(match["b"])
    if second > 12 >= first:
        day, month = second, first  # 12/24 is American month/day
    elif len(match["b"]) == 2 or first > 12:
        day, month = first, second  # 24/12, 05/12: day/month
    else:
        return False  # "1/2" is a fraction
    return set_date(ctx, cal.nearest_month_day(month, day, ctx.today), RANK_FULL)


DAY_NUMBER = re.compile(
    rf"{B}(?:{DATE_PREP}\s+)?(?P<d>\d{{1,2}})(?:\s*-?\s*(?:го|ого|е|ое|му|ому))?\s+(?:числа|число|числу){E}"
)
DAY_GO = re.compile(rf"{B}(?:{DATE_PREP}\s+)?(?P<d>\d{{1,2}})-?(?:го|ого|ому|му){E}")
DAY_E = re.compile(rf"{B}(?:на|к|до|с|по)\s+(?P<d>\d{{1,2}})-?е{E}")
DAY_EN = re.compile(
    rf"{B}(?:(?:on|by|until|till|before|for|from|after)\s+)?(?:the\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)"
    rf"(?:\s+of\s+(?:the|this)\s+month)?|(?<=on\s)(?P<d2>\d{{1,2}})(?:st|nd|rd|th)){E}"
    r"(?!\s+(?!(?:at|in|from|to|for|by|and|or|of|till|until)(?!\w))[a-z])"
)


def read_day_of_month(match: re.Match[str], ctx: Context) -> bool:
    day = int(match.groupdict().get("d") or match.groupdict().get("d2") or 0)
    return set_date(ctx, cal.nearest_day_of_month(day, ctx.today), RANK_DAY_OF_MONTH)


RELATIVE_DAY = re.compile(
    rf"{B}(?:(?:на|до|к|by|for|until|till)\s+)?(?P<w>(?:the\s+)?day\s+after\s+tomorrow|послезавтра|после\s*завтра"
    rf"|позавчера|сегодня|завтра|вчера|today|tomorrow|tmrw|tmr|yesterday){E}"
)
_DAY_OFFSETS = {"позавчера": -2, "вчера": -1, "сегодня": 0, "завтра": 1, "yesterday": -1, "today": 0,
                "tomorrow": 1, "tmrw": 1, "tmr": 1}


def read_relative_day(match: re.Match[str], ctx: Context) -> bool:
    word = match["w"]
    offset = 2 if ("after" in word or word.startswith("после")) else _DAY_OFFSETS[word]
    return set_date(ctx, ctx.today + dt.timedelta(days=offset), RANK_RELATIVE)


PERIOD = re.compile(
    rf"{B}(?:(?P<week>(?:на\s+)?(?:следующей|будущей)\s+неделе|next\s+week)"
    rf"|(?P<month>(?:в\s+)?(?:следующем|будущем)\s+месяце|next\s+month)"
    rf"|(?P<year>(?:в\s+)?(?:следующем|будущем)\s+году|next\s+year)"
    rf"|(?P<weekend>(?:на|в)\s+(?:эти\s+|ближайшие\s+|этих\s+|ближайших\s+)?выходн(?:ых|ые)"
    rf"|(?:(?:this|next|on\s+the|at\s+the|over\s+the)\s+)?weekend)){E}"
)


def read_period(match: re.Match[str], ctx: Context) -> bool:
    today = ctx.today
    if match["week"]:
        ctx.facts.next_week = True
        return True
    if match["month"]:
        return set_date(ctx, cal.add_months(today.replace(day=1), 1), RANK_PERIOD)
    if match["year"]:
        return set_date(ctx, dt.date(today.year + 1, 1, 1), RANK_PERIOD)
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7)
    return set_date(ctx, today if today.weekday() == 6 else saturday, RANK_WEEKDAY)


WEEKDAY = re.compile(
    rf"{B}(?:(?P<prep>в|во|на|к|до|by|on|until|till|for|before)\s+)?"
    rf"(?:(?P<mod>следующ(?:ий|ую|ее|ая|ей|его|ему)|будущ(?:ий|ую|ее)|эт(?:от|у|о|ой)"
    rf"|ближайш(?:ий|ую|ее|ая|ей|его)|next|this|coming)\s+)?(?P<wd>{lx.WEEKDAY_RE}){E}\.?"
)


_FOLLOWED_BY_TAKEN = re.compile(r"[\s,]*\x00")


def read_weekday(match: re.Match[str], ctx: Context) -> bool:
    word = match["wd"]
    bare_abbreviation = word in lx.WEEKDAY_ABBREVIATIONS and not (match["prep"] or match["mod"])
    if bare_abbreviation and not _FOLLOWED_BY_TAKEN.match(match.string, match.end()):
        return False  # a bare "пн"/"fri" counts only right before an understood date or time: "пн 10:00"
    if ctx.facts.weekday is None:
        ctx.facts.weekday = lx.WEEKDAYS.get(word, lx.WEEKDAY_ABBREVIATIONS.get(word, 0))
    return True


PART_OF_DAY = re.compile(
    rf"{B}(?P<p>этим\s+(?:утром|вечером)|с\s+утра|утром|поутру|днем|после\s+обеда|в\s+обед|вечером|под\s+вечер"
    rf"|ночью|tonight|this\s+(?:morning|afternoon|evening)|in\s+the\s+(?:morning|afternoon|evening)|at\s+night"
    rf"|(?<=\x00\s)(?:morning|afternoon|evening|night)){E}"
)
_PARTS = [("утр", lx.MORNING), ("morning", lx.MORNING), ("дн", lx.DAY), ("обед", lx.DAY),
          ("afternoon", lx.DAY), ("вечер", lx.EVENING), ("evening", lx.EVENING), ("tonight", lx.EVENING),
          ("ноч", lx.NIGHT), ("night", lx.NIGHT)]


def read_part_of_day(match: re.Match[str], ctx: Context) -> bool:
    words = match["p"]
    part = next(value for key, value in _PARTS if key in words)
    if ctx.facts.part_of_day is None:
        ctx.facts.part_of_day = part
    if words.startswith(("this", "этим", "tonight")):
        set_date(ctx, ctx.today, RANK_RELATIVE)
    return True
