"""Words the date reader knows, in the normalised form (lower case, "ё" read as "е").

Only tables and regex fragments live here; ``numerals`` turns number words into digits and ``rules``
uses the fragments.
"""

from __future__ import annotations

import re

# --- cardinal numbers -------------------------------------------------------------------------------

RU_ZERO = {"ноль": 0, "нуль": 0, "ноля": 0, "нуля": 0}
RU_UNITS = {
    "один": 1, "одна": 1, "одну": 1, "одно": 1, "одного": 1, "одной": 1,
    "два": 2, "две": 2, "двух": 2, "три": 3, "трех": 3, "четыре": 4, "четырех": 4,
    "пять": 5, "пяти": 5, "шесть": 6, "шести": 6, "семь": 7, "семи": 7,
    "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9,
}
RU_TEENS = {
    "десять": 10, "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
    "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19,
}
RU_TEENS.update({word[:-1] + "и": value for word, value in list(RU_TEENS.items())})  # genitive: десяти
RU_TENS = {
    "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50,
    "двадцати": 20, "тридцати": 30, "сорока": 40, "пятидесяти": 50,
}
RU_HALF = {"полтора": 1.5, "полторы": 1.5, "полутора": 1.5}

EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}
EN_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}

# --- ordinal numbers (days of month, "пол-десятого") ------------------------------------------------

_RU_ORD_STEMS = {
    "перв": 1, "втор": 2, "трет": 3, "четверт": 4, "пят": 5, "шест": 6, "седьм": 7, "восьм": 8, "девят": 9,
    "десят": 10, "одиннадцат": 11, "двенадцат": 12, "тринадцат": 13, "четырнадцат": 14, "пятнадцат": 15,
    "шестнадцат": 16, "семнадцат": 17, "восемнадцат": 18, "девятнадцат": 19, "двадцат": 20, "тридцат": 30,
}


def _ru_ordinal_forms() -> dict[str, tuple[int, str]]:
    """Genitive/dative ("третьего", "пятому") → "го"; neuter ("пятое", "третье") → "е"."""
    forms: dict[str, tuple[int, str]] = {}
    for stem, value in _RU_ORD_STEMS.items():
        if stem == "трет":
            forms.update({"третьего": (3, "го"), "третьему": (3, "го"), "третье": (3, "е")})
            continue
        forms.update({stem + "ого": (value, "го"), stem + "ому": (value, "го"), stem + "ое": (value, "е")})
    return forms


RU_ORDINALS = _ru_ordinal_forms()
RU_ORD_UNITS = {form: v for form, v in RU_ORDINALS.items() if v[0] < 10}

EN_ORDINALS = {
    "first": 1, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}
EN_ORD_UNITS = {w: v for w, v in EN_ORDINALS.items() if v < 10} | {"second": 2}

# --- calendar words ----------------------------------------------------------------------------------

MONTHS: dict[str, int] = {}
for _number, _forms in enumerate(
    [
        "января январь янв january jan",
        "февраля февраль февр фев february feb",
        "марта март мар march mar",
        "апреля апрель апр april apr",
        "мая май may",
        "июня июнь июн june jun",
        "июля июль июл july jul",
        "августа август авг august aug",
        "сентября сентябрь сент сен september sept sep",
        "октября октябрь окт october oct",
        "ноября ноябрь нояб ноя november nov",
        "декабря декабрь дек december dec",
    ],
    start=1,
):
    MONTHS.update({form: _number for form in _forms.split()})

RU_MONTH_RE = "|".join(sorted((w for w in MONTHS if re.fullmatch("[а-я]+", w)), key=len, reverse=True))
EN_MONTH_RE = "|".join(sorted((w for w in MONTHS if re.fullmatch("[a-z]+", w)), key=len, reverse=True))

WEEKDAYS: dict[str, int] = {}
for _number, _forms in enumerate(
    [
        "понедельник понедельника понедельнику monday",
        "вторник вторника вторнику tuesday",
        "среда среду среды среде wednesday",
        "четверг четверга четвергу thursday",
        "пятница пятницу пятницы пятнице friday",
        "суббота субботу субботы субботе saturday",
        "воскресенье воскресенья воскресенью sunday",
    ]
):
    WEEKDAYS.update({form: _number for form in _forms.split()})

# Short forms only count after a preposition or "next"/"this" ("в пт", "on Fri").
WEEKDAY_ABBREVIATIONS: dict[str, int] = {
    "пн": 0, "вт": 1, "ср": 2, "чт": 3, "пт": 4, "сб": 5, "вс": 6,
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}
WEEKDAY_RE = "|".join(sorted([*WEEKDAYS, *WEEKDAY_ABBREVIATIONS], key=len, reverse=True))

# --- parts of the day ------------------------------------------------------------------------------------

MORNING, DAY, EVENING, NIGHT, AM, PM = "morning", "day", "evening", "night", "am", "pm"

# A qualifier right after the hour: "9 утра", "3 pm".
QUALIFIERS = {"утра": MORNING, "дня": DAY, "вечера": EVENING, "ночи": NIGHT}
QUAL_RE = r"утра|дня|вечера|ночи|[ap]\.?\s?m\b\.?"

# Where a part of the day ends (hour), used to date a lone "вечером".
PART_OF_DAY_END = {MORNING: 12, DAY: 17, EVENING: 24}


def qualifier_of(word: str) -> str:
    word = word.replace(" ", "").replace(".", "")
    if word in QUALIFIERS:
        return QUALIFIERS[word]
    return AM if word.startswith("a") else PM
