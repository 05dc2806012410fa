"""Text preparation: normalise case/letters/dashes, then write number words as digits.

``prepare()`` returns the digit form together with a map back to the caller's text, so that the
rules can match "в 9 вечера" while the title keeps the user's own words ("в девять вечера" removed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.dates import lexicon as lx

_CHAR_MAP = str.maketrans(
    {
        "ё": "е", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
        "\x00": " ", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "’": "'", "ʼ": "'", "\t": " ", "\n": " ", "\r": " ",
    }
)


def normalize(text: str) -> str:
    """Lower case, "ё"→"е", one kind of dash and space; the result has exactly the input's length."""
    lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return lowered.translate(_CHAR_MAP)


@dataclass(frozen=True)
class Prepared:
    text: str
    starts: list[int]
    ends: list[int]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the caller's text that produced ``text[start:end]``."""
        return self.starts[start], self.ends[end - 1]


def _words(table: Iterable[str]) -> str:
    return "(?:" + "|".join(sorted(table, key=len, reverse=True)) + r")(?!\w)"


_RU_UNITS_NOM = {w: v for w, v in lx.RU_UNITS.items() if w in ("один", "два", "три", "четыре", "пять",
                                                                  "шесть", "семь", "восемь", "девять")}
# A ten and a unit make one number only in the same case: "двадцать шесть" is 26, "двадцати двух" is 22, but
# "без двадцати шесть" is twenty (minutes) and six (o'clock).
_RU_TENS_NOM = [w for w in lx.RU_TENS if w in ("двадцать", "тридцать", "сорок", "пятьдесят")]
_RU_UNITS_GEN = [w for w in lx.RU_UNITS if w not in _RU_UNITS_NOM and w not in ("одна", "одну", "одно", "две")]
_RU_CARD = (
    rf"(?:{_words(_RU_TENS_NOM)}(?:\s+{_words([*_RU_UNITS_NOM, 'одна', 'одну', 'одно', 'две'])})?"
    rf"|{_words([w for w in lx.RU_TENS if w not in _RU_TENS_NOM])}(?:\s+{_words(_RU_UNITS_GEN)})?"
    rf"|{_words(lx.RU_TEENS)}|{_words(lx.RU_UNITS)}|{_words(lx.RU_ZERO)})"
)
_EN_CARD = (
    rf"(?:{_words(lx.EN_TENS)}(?:[-\s]{_words(lx.EN_UNITS)})?|{_words(lx.EN_TEENS)}|{_words(lx.EN_UNITS)})"
)
_RU_MINUTES = (
    rf"(?:{_words(['двадцать', 'тридцать', 'сорок', 'пятьдесят'])}(?:\s+{_words(_RU_UNITS_NOM)})?"
    rf"|{_words([w for w in lx.RU_TEENS if w.endswith('ь')])}|(?:ноль|нуль)\s+(?:ноль|нуль|{_words(_RU_UNITS_NOM)}))"
)
_EN_MINUTES = (
    rf"(?:{_words(lx.EN_TENS)}(?:[-\s]{_words(lx.EN_UNITS)})?|{_words(lx.EN_TEENS)}|oh\s+{_words(lx.EN_UNITS)})"
)
_RU_ORD = rf"(?:(?:двадцать|тридцать)\s+{_words(lx.RU_ORD_UNITS)}|{_words(lx.RU_ORDINALS)})"
_EN_ORD = rf"(?:(?:twenty|thirty)[-\s]{_words(lx.EN_ORD_UNITS)}|{_words(lx.EN_ORDINALS)}|(?<=the )second(?!\w))"

_NUMBER_WORDS = re.compile(
    rf"(?<!\w)(?:"
    rf"(?P<clock>(?P<ch>{_RU_CARD}|{_EN_CARD})\s+(?P<cm>{_RU_MINUTES}|{_EN_MINUTES}))"
    rf"|(?P<half>{_words(lx.RU_HALF)}|one\s+and\s+a\s+half(?!\w))"
    rf"|(?P<pol>пол-?\s?)?(?P<ord>{_RU_ORD}|{_EN_ORD})"
    rf"|(?P<card>{_RU_CARD}|{_EN_CARD})"
    rf")"
)


def word_value(words: str) -> int:
    """The value of a cardinal or ordinal number phrase ("двадцать пять", "twenty-first", "ноль пять")."""
    total = 0
    for word in re.split(r"[-\s]+", words.strip()):
        if word == "oh":
            continue
        for table in (lx.RU_UNITS, lx.RU_TEENS, lx.RU_TENS, lx.RU_ZERO, lx.EN_UNITS, lx.EN_TEENS, lx.EN_TENS,
                      lx.EN_ORDINALS, lx.EN_ORD_UNITS):
            if word in table:
                total += int(table[word])
                break
        else:
            if word in lx.RU_ORDINALS:
                total += lx.RU_ORDINALS[word][0]
            elif word in ("двадцать", "тридцать"):
                total += lx.RU_TENS[word]
    return total


def _replacement(match: re.Match[str]) -> str:
    if match["clock"]:
        hour, minute = word_value(match["ch"]), word_value(match["cm"])
        return f"{hour}:{minute:02d}" if hour <= 23 and minute <= 59 else f"{hour} {minute}"
    if match["half"]:
        return "1.5"
    if match["ord"]:
        last = re.split(r"[-\s]+", match["ord"])[-1]
        kind = lx.RU_ORDINALS[last][1] if last in lx.RU_ORDINALS else "th"
        number = f"{word_value(match['ord'])}-{kind}" if kind != "th" else f"{word_value(match['ord'])}th"
        return f"пол {number}" if match["pol"] else number
    return str(word_value(match["card"]))


def prepare(text: str) -> Prepared:
    norm = normalize(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _NUMBER_WORDS.finditer(norm):
        for index in range(position, match.start()):
            out.append(norm[index])
            starts.append(index)
            ends.append(index + 1)
        piece = _replacement(match)
        out.append(piece)
        starts.extend([match.start()] * len(piece))
        ends.extend([match.end()] * len(piece))
        position = match.end()
    for index in range(position, len(norm)):
        out.append(norm[index])
        starts.append(index)
        ends.append(index + 1)
    return Prepared("".join(out), starts, ends)
