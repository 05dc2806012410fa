"""Clock readings: "в 15:00", "в 9 вечера", "3:30 pm", "в полдень", "полдесятого", "в 9", "с 14 до 15:30"."""

from __future__ import annotations

import re

from core.dates import lexicon as lx
from core.dates.facts import Clock
from core.dates.rules.common import (
    BARE_PREP,
    HOURS_WORD,
    MONTH_AHEAD,
    QUAL,
    TIME_PREP,
    B,
    Context,
    E,
)


def _clock(name: str) -> str:
    return (
        rf"(?P<{name}h>\d{{1,2}})(?:(?P<{name}sep>[:.])(?P<{name}m>\d{{2}}))?"
        rf"(?:\s*{HOURS_WORD})?(?:\s*(?P<{name}q>{QUAL}))?"
    )


def make_clock(hour: int, minute: int = 0, qualifier: str | None = None, bare: bool = True) -> Clock | None:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    if qualifier in (lx.AM, lx.PM) and not 1 <= hour <= 12:
        return None
    return Clock(hour, minute, qualifier, bare, midnight=qualifier == lx.NIGHT and hour == 12)


def _clock_from(match: re.Match[str], name: str) -> Clock | None:
    groups = match.groupdict()
    qualifier, minute = groups.get(name + "q"), groups.get(name + "m")
    return make_clock(
        int(match[name + "h"]),
        int(minute) if minute else 0,
        lx.qualifier_of(qualifier) if qualifier else None,
        bare=minute is None,
    )


def set_clock(ctx: Context, clock: Clock | None) -> bool:
    if clock is None:
        return False
    if ctx.facts.clock is None:
        ctx.facts.clock = clock
    return True


RANGE_WORDS = re.compile(
    rf"{B}(?:с|from|between)\s+{_clock('s')}\s*(?:до|to|till|until|and|-)\s*{_clock('e')}{E}{MONTH_AHEAD}"
)
RANGE_DASH = re.compile(rf"{B}{_clock('s')}\s*-\s*{_clock('e')}{E}(?![.\-:]\d){MONTH_AHEAD}")


def read_range(match: re.Match[str], ctx: Context) -> bool:
    start, end = _clock_from(match, "s"), _clock_from(match, "e")
    if start is None or end is None:
        return False
    if match.re is RANGE_DASH and start.bare and end.bare and not (start.qualifier or end.qualifier):
        return False
    for name, clock in (("s", start), ("e", end)):  # "9.12" in a range is more likely a date
        if match[name + "sep"] == "." and clock.hour <= 12 and 1 <= clock.minute <= 12:
            return False
    if ctx.facts.clock is None:
        ctx.facts.clock, ctx.facts.end_clock = start, end
    return True


NOON = re.compile(
    rf"{B}(?:{TIME_PREP}\s+)?(?:12\s+)?(?P<w>полдень|полудня|полночь|полуночи|noon|midday|midnight){E}"
)


def read_noon(match: re.Match[str], ctx: Context) -> bool:
    if match["w"].startswith(("полн", "полу", "midn")) and match["w"] != "полудня":
        return set_clock(ctx, Clock(0, 0, bare=False, midnight=True))
    return set_clock(ctx, Clock(12, 0, bare=False))


COLON = re.compile(
    rf"{B}(?:{TIME_PREP}\s+)?(?P<th>\d{{1,2}})(?::|[чh](?=\d))(?P<tm>\d{{2}})(?!:?\d)(?:\s*{HOURS_WORD})?(?:\s*(?P<tq>{QUAL}))?"
)
PREP_DOT = re.compile(
    rf"{B}(?:примерно\s+в|ровно\s+в|около|в|во|к|at|by|around|about)\s+(?P<th>\d{{1,2}})[.\-](?P<tm>\d{{2}})"
    rf"(?![.\-]?\d)(?:\s*{HOURS_WORD})?(?:\s*(?P<tq>{QUAL}))?"
)


DOT_QUALIFIED = re.compile(rf"{B}(?:{TIME_PREP}\s+)?(?P<th>\d{{1,2}})\.(?P<tm>\d{{2}})\s*(?P<tq>{QUAL})")
SPACED = re.compile(
    rf"{B}{BARE_PREP}\s+(?P<th>\d{{1,2}})\s(?P<tm>\d{{2}}){E}"
    r"(?!\s*(?:[:.,/]\d|%|мин|min|час|hour|дн|day|недел|week|мес|month|год|лет|year|человек|people|руб|раз))"
)


def read_colon(match: re.Match[str], ctx: Context) -> bool:
    return set_clock(ctx, _clock_from(match, "t"))


QUALIFIED = re.compile(
    rf"{B}(?:(?P<prep>{TIME_PREP})\s+)?(?P<h>\d{{1,2}}|час)(?:\s*(?P<u>{HOURS_WORD}|o'?clock))?"
    rf"(?:\s*(?P<mm>\d{{1,2}})\s*(?:минут[аы]?|мин\.?)(?!\w))?\s*(?P<q>{QUAL})"
)


def read_qualified(match: re.Match[str], ctx: Context) -> bool:
    qualifier = lx.qualifier_of(match["q"])
    if qualifier == lx.DAY and not (match["prep"] or match["u"]):
        return False  # "3 дня" alone is three days, not 15:00
    if match["h"] == "час":
        if match["u"]:
            return False
        hour = 1
    else:
        hour = int(match["h"])
    minute = int(match["mm"]) if match["mm"] else 0
    return set_clock(ctx, make_clock(hour, minute, qualifier, bare=match["mm"] is None))


HOURS_MINUTES = re.compile(
    rf"{B}{TIME_PREP}\s+(?P<h>\d{{1,2}})\s*{HOURS_WORD}\s*(?P<mm>\d{{1,2}})\s*(?:минут[аы]?|мин\.?){E}"
)


def read_hours_minutes(match: re.Match[str], ctx: Context) -> bool:
    return set_clock(ctx, make_clock(int(match["h"]), int(match["mm"]), bare=False))


HALF = re.compile(
    rf"{B}(?:{TIME_PREP}\s+)?(?:(?:пол\s?|половин[аеуы]\s+)(?P<rh>\d{{1,2}})-го|half\s+past\s+(?P<eh>\d{{1,2}})"
    rf"|(?:a\s+)?quarter\s+(?P<qd>past|to)\s+(?P<qh>\d{{1,2}})){E}(?:\s*(?P<q>{QUAL}))?"
)


def read_half(match: re.Match[str], ctx: Context) -> bool:
    if match["rh"]:
        hour, minute = int(match["rh"]) - 1, 30
    elif match["eh"]:
        hour, minute = int(match["eh"]), 30
    elif match["qd"] == "past":
        hour, minute = int(match["qh"]), 15
    else:
        hour, minute = int(match["qh"]) - 1, 45
    if hour == 0:
        hour = 12
    if not 1 <= hour <= 12:
        return False
    qualifier = lx.qualifier_of(match["q"]) if match["q"] else None
    return set_clock(ctx, make_clock(hour, minute, qualifier, bare=True))


BARE_HOUR = re.compile(
    rf"{B}(?:(?P<prep>{BARE_PREP})\s+(?P<h>\d{{1,2}}|час)(?:\s*(?P<u>{HOURS_WORD}|o'?clock))?"
    rf"|(?P<oh>\d{{1,2}})\s*o'?clock){E}"
    r"(?!\s*(?:[:.,/]\d|%|-|раз|человек|штук|процент|руб|кабинет|класс|этаж|комнат|мин|мес|лет|год|дн|недел"
    r"|percent|people|times|min|hour|day|week|month|year))"
)


def read_bare_hour(match: re.Match[str], ctx: Context) -> bool:
    if match["oh"]:
        return set_clock(ctx, make_clock(int(match["oh"])))
    if match["h"] == "час":
        return match["u"] is None and set_clock(ctx, make_clock(1))
    return set_clock(ctx, make_clock(int(match["h"])))
