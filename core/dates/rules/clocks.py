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


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_NEXT_WORD = re.compile(r"\s*(?P<w>[a-zа-я]+)(?![\w'-])")
# Nouns said right after a time in the nominative ("в 2 встреча", "в 4 тренировка"): their "-а"/"-я" is not the
# genitive of a count.
_EVENT_NOUNS = _word_set(
    "встреча планерка тренировка лекция пара репетиция консультация стрижка игра прогулка зарядка уборка работа"
    " запись экскурсия вечеринка презентация конференция свадьба поездка заливка сдача оплата доставка"
    " примерка пробежка йога защита встречи пары лекции"
)
_PLURAL_CASES = ("ами", "ями", "ам", "ям", "ах", "ях", "ых", "их")  # "к 3 клиентам", "в 5 магазинах", "в 2 разных"
_EN_PLURALS = _word_set("people persons children kids men women guests")
_EN_NOT_PLURAL = _word_set("is was has does goes this his its us plus yes as always sharp news less across")


def counted_noun_after(match: re.Match[str], number: int) -> bool:
    """Whether the word after ``number`` is a noun it counts: "в 2 магазина", "в 5 магазинов", "к 3 клиентам",
    "at 6 places". Such a number is not a clock. Russian is read by agreement (2–4 take the genitive singular,
    5–20 the genitive plural), English by a plural ending; without a dictionary this is a heuristic that errs
    towards a time ("в 9 звонок", "в 2 встреча" stay times)."""
    found = _NEXT_WORD.match(match.string, match.end())
    if found is None:
        return False
    word = found["w"]
    if word.isascii():
        if word in _EN_PLURALS:
            return number > 1
        return number > 1 and len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) \
            and word not in _EN_NOT_PLURAL
    if len(word) < 4 or word.endswith(("ть", "ти", "чь", "ся", "сь")):
        return False  # short words and verbs ("в 9 позвонить")
    if word.endswith(_PLURAL_CASES):
        return number > 1
    few = number % 10 in (2, 3, 4) and number % 100 not in (12, 13, 14)
    if few:
        return word.endswith(("а", "я", "ы", "и")) and word not in _EVENT_NOUNS
    return number > 4 and word.endswith(("ов", "ев", "ей", "ий"))


# Clock words: "в четверть пятого" (quarter past four), "в пять минут шестого", "без пяти шесть",
# "без четверти час"; "ten to nine", "twenty past five", "five minutes after six". After the prepared numerals
# ("шестого" is "6-го", "ten" is "10"). The hour read is a bare hour: "без пяти шесть" is 05:55 or 17:55.
RU_INTO = re.compile(
    rf"{B}(?:{TIME_PREP}\s+)?(?:(?P<quarter>четверть)|(?P<m>\d{{1,2}})\s*(?:минут[аы]?|мин\.?)(?!\w))"
    rf"\s+(?P<h>\d{{1,2}})-го{E}(?:\s*(?P<q>{QUAL}))?"
)
RU_WITHOUT = re.compile(
    rf"{B}(?:{TIME_PREP}\s+)?без\s+(?:(?P<quarter>четверти)|(?P<m>\d{{1,2}})(?:\s*(?:минут|мин\.?)(?!\w))?)"
    rf"\s+(?P<h>\d{{1,2}}|час){E}(?!\s*(?:{HOURS_WORD}|[:.]\d))(?:\s*(?P<q>{QUAL}))?"
)
EN_PAST_TO = re.compile(
    rf"{B}(?:{TIME_PREP}\s+)?(?:(?P<m>\d{{1,2}})(?P<mw>\s+minutes?)?|(?:a\s+)?(?P<quarter>quarter)|(?P<half>half))"
    rf"\s+(?P<dir>past|after|to|till)\s+(?P<h>\d{{1,2}}){E}"
    rf"(?!\s*(?:{HOURS_WORD}|[:.]\d))(?:\s*(?P<q>{QUAL}|o'?clock))?"
)
_ROUND_MINUTES = (5, 10, 20, 25)  # "ten to nine" without "minutes"; other counts need the word ("seven minutes to")


def read_clock_words(match: re.Match[str], ctx: Context) -> bool:
    groups = match.groupdict()
    minute = 15 if groups.get("quarter") else 30 if groups.get("half") else int(match["m"])
    hour = 1 if match["h"] == "час" else int(match["h"])
    if match.re is EN_PAST_TO:
        if match["m"] and not (match["mw"] or minute in _ROUND_MINUTES) or counted_noun_after(match, hour):
            return False
        if match["half"] and match["dir"] not in ("past", "after"):
            return False
        forward = match["dir"] in ("past", "after")
    else:
        forward = match.re is RU_INTO
        hour -= 1 if forward else 0  # "пять минут шестого" is five past five
    if not (1 <= minute <= 59 and 0 <= hour <= 12) or (forward is False and hour == 0):
        return False
    if forward:
        hour, minute = hour or 12, minute
    else:
        hour, minute = (hour - 1) or 12, 60 - minute
    qualifier = match["q"] if match["q"] and not match["q"].startswith("o") else None
    return set_clock(ctx, make_clock(hour, minute, lx.qualifier_of(qualifier) if qualifier else None, bare=True))


BARE_HOUR = re.compile(
    rf"{B}(?:(?P<prep>{BARE_PREP})\s+(?P<h>\d{{1,2}}|час)(?:\s*(?P<u>{HOURS_WORD}|o'?clock))?"
    rf"|(?P<oh>\d{{1,2}})\s*o'?clock){E}"
    r"(?!\s*(?:[:.,/]\d|%|-|раз|человек|штук|процент|руб|кабинет|класс|этаж|комнат|мин|мес|лет|год|дн|недел"
    r"|percent|people|times|min|hour|day|week|month|year))"
)


def read_bare_hour(match: re.Match[str], ctx: Context) -> bool:
    if match["h"] and match["h"] != "час" and counted_noun_after(match, int(match["h"])):
        return False  # "зайти в 2 магазина", "at 6 places": a count, not a clock
    if match["oh"]:
        return set_clock(ctx, make_clock(int(match["oh"])))
    if match["h"] == "час":
        return match["u"] is None and set_clock(ctx, make_clock(1))
    return set_clock(ctx, make_clock(int(match["h"])))
