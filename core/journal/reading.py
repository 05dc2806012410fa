"""How a chat message reads as journal entries: is it a record of something done, bought, spent or met; which
clauses are separate entries ("купил хлеб за 60 и молоко за 90" is two); and how one analysis (any provider's
``EntryAnalysis``) becomes a draft in the semantic core's words; the offline reading's Russian words in their normal
form (``forms``: "в Шоколаднице" → "Шоколадница"). Pure functions, no I/O."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from core.ai import local_rules as rules
from core.ai.types import EntryAnalysis
from core.journal import forms
from core.journal.semantic import ACTIONS, OBJECTS, PAIRS, is_valid_semantic

_W = r"[^\W\d_]*"


def _verb_pattern(forms: str) -> re.Pattern[str]:
    """Russian stems take any ending ("потрат" → "потратил", "потратила"); English words are whole words with at
    most -s/-ed ("met" is not "metrics", "ran" not "random", "read" not "ready")."""
    alts = forms.split("|")
    stems = "|".join(a for a in alts if not a.isascii())
    words = "|".join(a for a in alts if a.isascii())
    parts = ([rf"^(?:{stems}){_W}$"] if stems else []) + ([rf"^(?:{words})(?:s|ed)?$"] if words else [])
    return re.compile("|".join(parts), re.IGNORECASE)


# (a regex of a verb's forms, the semantic action); the first that matches a word wins
VERBS: list[tuple[re.Pattern[str], str]] = [(_verb_pattern(p), a) for p, a in [
    (r"потрат|spent|spend", "spent"),
    (r"купил|покупал|прикупил|приобрел|приобрёл|bought|buy|purchased", "bought"),
    (r"заплатил|оплатил|paid|pay", "paid"),
    (r"заработал|earned", "earned"),
    (r"получил|received|got", "received"),
    (r"подарил|gave|gifted", "gave"),
    (r"одолжил|дал в долг|занял|lent|lend", "lent"),
    (r"взял|borrowed", "borrowed"),
    (r"вернул|returned", "returned"),
    (r"съел|поел|обедал|пообедал|ужинал|поужинал|завтракал|позавтракал|ate|had lunch|had dinner", "ate"),
    (r"выпил|пил|drank", "drank"),
    (r"приготовил|испек|испёк|cooked|baked", "cooked"),
    (r"встрет|встреча|виделся|увиделся|met|meet", "met"),
    (r"созвонил|звонил|позвонил|called", "called"),
    (r"сходил|ходил|был|была|побывал|посетил|visited|went|been", "visited"),
    (r"съездил|ездил|летал|слетал|travelled|traveled|flew|drove", "travelled"),
    (r"пробежал|бегал|ran|jogged", "ran"),
    (r"прошел|прошёл|гулял|погулял|walked", "walked"),
    (r"тренировал|потренировал|занимался|плавал|trained|swam|worked out", "trained"),
    (r"спал|поспал|выспался|slept", "slept"),
    (r"прочитал|прочёл|прочел|читал|read", "read"),
    (r"посмотрел|смотрел|watched|saw", "watched"),
    (r"послушал|слушал|listened", "listened"),
    (r"выучил|изучил|учил|прошел курс|learned|learnt|studied", "learned"),
    (r"сделал|доделал|закончил|made|did|finished|built", "made"),
    (r"починил|отремонтировал|fixed|repaired", "repaired"),
]]
_RETURN_RE = re.compile(r"^(?:(?:надо|нужно|не забыть)\s+)?(?:вернуть|отдать)\b|^(?:return|give back)\b",
                        re.IGNORECASE)
# words of an object → the semantic object (checked against the action's allowed objects)
OBJECT_WORDS: list[tuple[re.Pattern[str], str]] = [(re.compile(rf"\b(?:{p}){_W}", re.IGNORECASE), o) for p, o in [
    (r"кофе|капучино|латте|чай|сок|пиво|вин|coffee|latte|tea|juice|beer|wine|drink", "drink"),
    (r"хлеб|молок|продукт|еда|обед|ужин|завтрак|пицц|суш|бургер|салат|сыр|яйц|мяс|фрукт|овощ|groceries|bread|milk|"
     r"lunch|dinner|breakfast|pizza|sushi|burger|salad|food|meal", "food"),
    (r"такси|метро|автобус|бензин|заправк|проезд|поезд|taxi|uber|metro|bus|fuel|gas|train ticket", "transport"),
    (r"подписк|subscription", "subscription"),
    (r"квартплат|коммунал|электричеств|интернет|счет за|счёт за|bill|rent|utilities", "bill"),
    (r"стрижк|ремонт|доставк|уборк|массаж|haircut|delivery|service|repair", "service"),
    (r"книг|book", "book"),
    (r"фильм|кино|movie|film|cinema", "film"),
    (r"сериал|series|show", "series"),
    (r"музык|альбом|концерт|music|album|concert", "music"),
    (r"подкаст|podcast", "podcast"),
    (r"стать|article", "article"),
    (r"курс|урок|course|lesson", "course"),
    (r"пробежк|тренировк|бассейн|зал|йог|workout|gym|pool|yoga|run\b", "workout"),
    (r"врач|доктор|анализ|лекарств|таблетк|doctor|dentist|medicine|pills", "health"),
    (r"подар|gift|present", "gift"),
    (r"деньг|денег|руб|доллар|евро|зарплат|money|salary|cash", "money"),
    (r"поездк|путешеств|отпуск|trip|vacation|holiday", "trip"),
    (r"музе|парк|выставк|театр|museum|park|exhibition|theatre|theater", "place"),
    (r"праздник|вечеринк|день рождени|свадьб|party|birthday|wedding", "event"),
    (r"зарядк|зонт|ключ|куртк|телефон|ноутбук|наушник|charger|umbrella|keys|jacket|phone|laptop|headphones|"
     r"одежд|обув|кроссовк|clothes|shoes|sneakers", "thing"),
]]
_FOR_AMOUNT_RE = re.compile(r"(?:\bза|\bfor|\bна сумму)\s+(\d{1,9}(?:[.,]\d{1,2})?)(?![\d:.,])", re.IGNORECASE)
_SPLIT_RE = re.compile(r"\s*(?:;|,|\bи\b|\band\b|\bа ещё\b|\bа еще\b|\bplus\b)\s*", re.IGNORECASE)
_PERSON_DATIVE_RE = re.compile(r"\b(?:[A-ZА-ЯЁ][a-zа-яё]+)\b")
_HAS_MONEY_RE = re.compile(r"\d")


def action_of(word: str) -> str | None:
    for pattern, action in VERBS:
        if pattern.match(word):
            return action
    return None


def verb_in(text: str) -> str | None:
    """The semantic action of the first verb of a record within the first five words ("вчера купил…")."""
    words = rules.WORD_RE.findall(text)
    two = [" ".join(words[i:i + 2]) for i in range(len(words))]
    for word, pair in list(zip(words, two, strict=False))[:5]:
        action = action_of(pair) if pair.lower() in ("had lunch", "had dinner", "worked out") else None
        action = action or action_of(word)
        if action is not None:
            return action
    return None


def is_return_plan(text: str) -> bool:
    """"вернуть Пете зарядку через неделю": something borrowed, to give back (an entry and a reminder)."""
    return bool(_RETURN_RE.search(text.strip()))


def looks_like_record(text: str) -> bool:
    """A record of something done, bought, spent or met: a verb of the kind, or money spent."""
    return verb_in(text) is not None or rules.find_money(text) is not None


def amount_in(text: str) -> tuple[float, str | None] | None:
    """Money with its currency ("450 ₽"), or an amount "за 60" / "for 60" in the user's currency."""
    money = rules.find_money(text)
    if money is not None:
        return money.amount, money.currency
    match = _FOR_AMOUNT_RE.search(text)
    return (rules.parse_number(match.group(1)), None) if match else None


def clauses(text: str) -> list[str]:
    """Parts of a message that are entries of their own: split on "и", commas and semicolons only when every part
    carries an amount of its own (so "кофе с Машей и Петей" stays one entry)."""
    parts = [p for p in _SPLIT_RE.split(text.strip()) if p.strip()]
    if len(parts) > 1 and all(amount_in(p) is not None for p in parts) and len(parts) <= 10:
        return parts
    return [text.strip()]


def object_of(text: str, action: str) -> str:
    allowed = PAIRS.get(action, frozenset())
    for pattern, obj in OBJECT_WORDS:
        if obj in allowed and pattern.search(text):
            return obj
    fallback = {"bought": "product", "spent": "product", "paid": "service", "earned": "money", "received": "money",
                "gave": "gift", "lent": "thing", "borrowed": "thing", "returned": "thing", "ate": "food",
                "drank": "drink", "cooked": "food", "met": "person", "called": "person", "visited": "place",
                "travelled": "trip", "ran": "workout", "walked": "workout", "trained": "workout", "slept": "sleep",
                "read": "book", "watched": "film", "listened": "music", "learned": "course", "made": "task",
                "repaired": "thing", "felt": "mood"}
    return fallback.get(action, "other")


def _title(analysis: EntryAnalysis, clause: str, drop: list[str]) -> str:
    """The thing the entry is about ("одолжил Пете зарядку" → "Зарядка"), else the clause's first sentence."""
    skip = {w.lower() for w in drop}
    words = " ".join(w for w in (analysis.object or "").split() if w.lower() not in skip)
    if words and analysis.is_heuristic:
        words = forms.phrase(_capitals_of(clause, words), forms.OBJECT)
    title = words or rules.title_for(clause)
    return title[:1].upper() + title[1:]


def _capitals_of(clause: str, words: str) -> str:
    """The offline reading's lower-cased words with the capitals the clause gives them past its first word
    ("прочитал книгу Дюна": "книгу дюна" → "книгу Дюна")."""
    written = {w.lower(): w for w in rules.WORD_RE.findall(clause)[1:] if w[:1].isupper()}
    return " ".join(written.get(w, w) for w in words.split())


def _dative_people(clause: str) -> list[tuple[str, str]]:
    """"одолжил Пете зарядку", "взял у Вани": the first capitalised word after the verb that the dictionary reads as a
    name given to or taken from (as written, nominative); a word of that shape it does not know, as written."""
    for word in _PERSON_DATIVE_RE.findall(" ".join(clause.split()[1:])):
        name = forms.person(word, forms.TO)
        if name is not None:
            return [(word, name)]
        if re.fullmatch(r"[А-ЯЁ][а-яё]+[еуи]", word):
            return [(word, word)]
    return []


def _people(clause: str, analysis: EntryAnalysis, action: str) -> tuple[list[str], list[str]]:
    """The people (base forms) and the words that name them in the clause. The offline reading's guesses for "с
    Машей" give way to the dictionary's nominative of the word as written ("Машей" → "Маша")."""
    if analysis.people:
        if not analysis.is_heuristic:
            return list(analysis.people), []
        nominative = {guess: _person_with(raw) for raw, guess in rules.people_mentions(clause)}
        return list(dict.fromkeys(nominative.get(p, p) for p in analysis.people)), []
    if action in ("lent", "borrowed", "gave", "returned", "called"):
        found = _dative_people(clause)
        return [base for _, base in found], [raw for raw, _ in found]
    return [], []


def _person_with(word: str) -> str:
    """"с Машей" → "Маша", "с Мамой" → "Мама"; a word the dictionary does not read one way stays as written."""
    if not forms.is_russian(word):
        return word
    return forms.person(word, forms.WITH) or forms.phrase(word, forms.WITH)


def _place(analysis: EntryAnalysis) -> str | None:
    """The place in the nominative when the offline reading took it as written ("в Шоколаднице" → "Шоколадница")."""
    if not analysis.place or not analysis.is_heuristic:
        return analysis.place
    return forms.phrase(analysis.place, forms.PLACE, forms.PLACE_WORDS)


def _tags(analysis: EntryAnalysis, clause: str, skip: set[str]) -> list[str]:
    """The analysis's tags less the words naming a person; the offline reading's words in the nominative (a hashtag
    as the user wrote it)."""
    tags = [t for t in analysis.tags if not skip & set(t.split())]
    if not analysis.is_heuristic:
        return tags
    own = set(rules.hashtags(clause))
    return list(dict.fromkeys(t if t in own else forms.phrase(t, forms.OBJECT if " " in t else forms.ANY,
                                                              forms.PLACE_WORDS) for t in tags))


def draft(clause: str, analysis: EntryAnalysis, *, day: dt.date, context_action: str | None = None,
          borrowed: bool = False) -> dict[str, Any]:
    """One entry as the card proposes it (EntryIn's fields), read from the clause and the provider's analysis."""
    action = ("borrowed" if borrowed else None) or _known(analysis.action, ACTIONS) or verb_in(clause) \
        or action_of(analysis.action) or context_action
    money = amount_in(clause)
    if action is None:
        action = "spent" if money else "noted"
    obj = _known(analysis.object, OBJECTS)
    if obj is None or not is_valid_semantic(action, obj):
        obj = object_of(f"{clause} {analysis.object}", action)
    amount = analysis.amount if analysis.amount is not None and analysis.currency else None
    currency = analysis.currency if amount is not None else None
    if amount is None and money is not None:
        amount, currency = money
    people, raw = _people(clause, analysis, action)
    tags = _tags(analysis, clause, {w.lower() for w in raw})
    return {
        "action": action, "object": obj, "title": _title(analysis, clause, raw)[:200], "note": clause[:1000],
        "amount": amount, "currency": currency, "people": people[:10],
        "place": _place(analysis), "tags": tags[:6], "date": day.isoformat(),
        "aiConfidence": 0.5 if analysis.is_heuristic else 0.8,
    }


def _known(word: str, words: dict[str, tuple[str, str]]) -> str | None:
    low = (word or "").strip().lower()
    return low if low in words else None
