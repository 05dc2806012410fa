"""The normal form of the Russian words the offline reader takes out of a message: "в Шоколаднице" → "Шоколадница",
"одолжил Пете зарядку" → "Петя", "Зарядка". pymorphy3 (OpenCorpora's dictionaries) gives each word its readings; a
word changes only when the readings that fit its place in the phrase agree on one nominative, else it stays as
written, and so does every word that is not Russian. The analyser (20-30 MB) is loaded on the first Russian word,
once per process, so a process that never reads offline never pays for it."""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

# the cases a word stands in where the reader finds it
PLACE = frozenset({"loct", "accs"})  # "в Шоколаднице", "сходил в Третьяковку"
WITH = frozenset({"ablt"})  # "с Машей"
TO = frozenset({"datv", "gent"})  # "одолжил Пете", "взял у Вани"
OBJECT = frozenset({"accs", "gent", "ablt"})  # "купил зарядку", "выпил чаю", "занимался йогой"
ANY = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct", "voct"})

# generic place nouns the dictionary reads several ways with no word more likely ("парке": парк, парка, парок)
PLACE_WORDS = frozenset({"парк", "зал", "бар", "клуб", "сад", "центр", "рынок"})

_SHARE = 0.75  # the share of the readings' weight one nominative needs to be taken
_RUSSIAN_RE = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
_DECLINED = frozenset({"NOUN", "ADJF", "PRTF"})
_AGREES = frozenset({"ADJF", "PRTF"})
_PERSON = frozenset({"Name", "Surn", "Patr"})
_CASE = {"loc2": "loct", "loc1": "loct", "gen2": "gent", "gen1": "gent", "acc2": "accs"}

_lock = threading.Lock()
_morph: Any = None


def analyser() -> Any:
    """The one ``pymorphy3.MorphAnalyzer`` of the process, made on first use (imported here, not at start)."""
    global _morph
    if _morph is None:
        with _lock:
            if _morph is None:
                import pymorphy3

                _morph = pymorphy3.MorphAnalyzer(lang="ru")
    return _morph


@lru_cache(maxsize=1024)
def _readings(word: str) -> tuple[Any, ...]:
    """The dictionary's readings of a word, best first (the names and places a user writes come back often)."""
    return tuple(analyser().parse(word))


def is_russian(word: str) -> bool:
    return bool(_RUSSIAN_RE.fullmatch(word))


def _case(parse: Any) -> str | None:
    case = parse.tag.case
    return _CASE.get(case, case) if case else None


def _styled(written: str, form: str) -> str | None:
    """The form in the word's own letters: lower, Capitalised (each part of "Санкт-Петербурге") or UPPER; no "ё"
    where the writer wrote "е". None for a mixed style ("ГУМе"), which the reader leaves alone."""
    if "ё" not in written.lower():
        form = form.replace("ё", "е")
    if written.islower():
        return form
    if written.isupper() and len(written) > 1:
        return form.upper()
    parts, forms = written.split("-"), form.split("-")
    if len(parts) != len(forms) or any(p[1:] != p[1:].lower() for p in parts):
        return None
    return "-".join(f[:1].upper() + f[1:] if p[:1].isupper() else f for p, f in zip(parts, forms, strict=True))


def _nominative(parses: list[Any], prefer: frozenset[str] = frozenset(),
                nominal: frozenset[Any] = frozenset()) -> str | None:
    """The one nominative the readings agree on (by weight), keeping their number; None when they do not. A word
    that is itself a nominative of the same lemma and number (``nominal``) stays as it is ("цветы", not "цветки")."""
    weight: dict[str, float] = defaultdict(float)
    known = True
    for parse in parses:
        same = "Fixd" in parse.tag or (parse.normal_form, parse.tag.number, parse.tag.gender) in nominal
        form = parse.word if same else getattr(parse.inflect({"nomn"}), "word", None)
        if form is None:
            return None
        weight[form] += parse.score or 1e-6
        known = known and parse.is_known
    if not weight:
        return None
    best = max(weight, key=lambda f: weight[f])
    if weight[best] >= (1.0 if not known else _SHARE) * sum(weight.values()) - 1e-9:
        return best
    preferred = [f for f in weight if f in prefer]
    return preferred[0] if len(preferred) == 1 else None


def person(word: str, cases: frozenset[str]) -> str | None:
    """A first name, surname or patronymic in one of the cases, in the nominative ("Машей" → "Маша", "Ивановой" →
    "Иванова"); None when the dictionary has no such reading of the word, or its readings disagree."""
    if not is_russian(word):
        return None
    parses = [p for p in _readings(word) if _PERSON & p.tag.grammemes and _case(p) in cases]
    form = _nominative(parses)
    return _styled(word, form) if form else None


def phrase(text: str, cases: frozenset[str], prefer: frozenset[str] = frozenset()) -> str:
    """A place, a thing or a tag in the nominative: the words from the first on that stand in one case and number
    together ("торговом центре" → "торговый центр", "Кофе Хаусе" → "Кофе Хаус"); the words after them (a genitive, a
    name in apposition: "парке Горького", "кинотеатре Октябрь") as written. The text as written when a word of that
    group reads several ways, or is not Russian."""
    words = text.split()
    group: list[list[Any]] = []
    nominals: list[frozenset[Any]] = []
    fits: set[tuple[str | None, str | None]] | None = None
    for word in words:
        if not is_russian(word):
            break
        readings = [p for p in _readings(word) if p.tag.POS in _DECLINED]
        parses = [p for p in readings if _case(p) in cases]
        keys = {(_case(p), p.tag.number) for p in parses}
        joint = keys if fits is None else fits & keys
        if not joint:
            break
        fits = joint
        group.append(parses)
        nominals.append(frozenset((p.normal_form, p.tag.number, p.tag.gender) for p in readings if _case(p) == "nomn"))
    if not group or fits is None:
        return text
    out = list(words)
    for i, parses in enumerate(group):
        fitting = _agreeing([p for p in parses if (_case(p), p.tag.number) in fits], group[i + 1:], fits)
        form = _nominative(fitting, prefer, nominals[i])
        styled = _styled(words[i], form) if form else None
        if styled is None:
            return text
        out[i] = styled
    return " ".join(out)


def _agreeing(parses: list[Any], rest: Iterable[list[Any]], fits: set[tuple[str | None, str | None]]) -> list[Any]:
    """An adjective's readings in the gender of the noun it goes with ("Большом театре": masculine, not neuter)."""
    if not any(p.tag.POS in _AGREES for p in parses):
        return parses
    for following in rest:
        nouns = [p for p in following if p.tag.POS == "NOUN" and (_case(p), p.tag.number) in fits]
        if nouns:
            genders = {p.tag.gender for p in nouns}
            if "ms-f" in genders:  # a noun of either gender ("Саша") leaves the adjective's readings as they are
                return parses
            return [p for p in parses
                    if p.tag.POS not in _AGREES or p.tag.number == "plur" or p.tag.gender in genders]
    return parses

