"""The semantic core: which actions and objects an entry may name, and which pairs make sense together.

An entry says what was done (``action``: bought, met, ran…) with what (``object``: a product, a person, a
workout…). The pairs are checked on every save, so the dashboard can count "spent" and "earned" without guessing.
"""

from __future__ import annotations

from typing import Final

# id → (Russian, English): the words a card shows
ACTIONS: Final[dict[str, tuple[str, str]]] = {
    "bought": ("купил", "bought"),
    "spent": ("потратил", "spent"),
    "paid": ("оплатил", "paid"),
    "earned": ("заработал", "earned"),
    "received": ("получил", "received"),
    "gave": ("подарил", "gave"),
    "lent": ("одолжил", "lent"),
    "borrowed": ("взял в долг", "borrowed"),
    "returned": ("вернул", "returned"),
    "ate": ("поел", "ate"),
    "drank": ("выпил", "drank"),
    "cooked": ("приготовил", "cooked"),
    "met": ("встретился", "met"),
    "called": ("созвонился", "called"),
    "visited": ("побывал", "visited"),
    "travelled": ("съездил", "travelled"),
    "ran": ("пробежал", "ran"),
    "walked": ("прошёл", "walked"),
    "trained": ("потренировался", "trained"),
    "slept": ("поспал", "slept"),
    "read": ("прочитал", "read"),
    "watched": ("посмотрел", "watched"),
    "listened": ("послушал", "listened"),
    "learned": ("изучил", "learned"),
    "made": ("сделал", "made"),
    "repaired": ("починил", "repaired"),
    "felt": ("чувствовал", "felt"),
    "noted": ("отметил", "noted"),
    "want": ("хочу", "want"),
    "liked": ("понравилось", "liked"),
}

OBJECTS: Final[dict[str, tuple[str, str]]] = {
    "product": ("товар", "product"),
    "food": ("еда", "food"),
    "drink": ("напиток", "drink"),
    "service": ("услуга", "service"),
    "bill": ("счёт", "bill"),
    "subscription": ("подписка", "subscription"),
    "transport": ("транспорт", "transport"),
    "money": ("деньги", "money"),
    "gift": ("подарок", "gift"),
    "thing": ("вещь", "thing"),
    "person": ("человек", "person"),
    "place": ("место", "place"),
    "event": ("событие", "event"),
    "trip": ("поездка", "trip"),
    "workout": ("тренировка", "workout"),
    "sleep": ("сон", "sleep"),
    "health": ("здоровье", "health"),
    "mood": ("настроение", "mood"),
    "book": ("книга", "book"),
    "film": ("фильм", "film"),
    "series": ("сериал", "series"),
    "music": ("музыка", "music"),
    "podcast": ("подкаст", "podcast"),
    "article": ("статья", "article"),
    "course": ("курс", "course"),
    "task": ("дело", "task"),
    "project": ("проект", "project"),
    "document": ("документ", "document"),
    "other": ("другое", "other"),
}

_MONEY = {"product", "food", "drink", "service", "bill", "subscription", "transport", "gift", "thing", "event",
          "trip", "book", "film", "series", "music", "course", "health", "workout", "money", "document"}
_MEDIA = {"book", "film", "series", "music", "podcast", "article", "course", "event"}
_THINGS = {"thing", "money", "book", "gift", "product", "document"}

PAIRS: Final[dict[str, frozenset[str]]] = {
    "bought": frozenset(_MONEY - {"money"}),
    "spent": frozenset(_MONEY),
    "paid": frozenset(_MONEY),
    "earned": frozenset({"money", "project", "task", "service"}),
    "received": frozenset({"money", "gift", "thing", "product", "document", "book"}),
    "gave": frozenset({"gift", "thing", "money", "book", "product", "food", "drink"}),
    "lent": frozenset(_THINGS),
    "borrowed": frozenset(_THINGS),
    "returned": frozenset(_THINGS),
    "ate": frozenset({"food"}),
    "drank": frozenset({"drink"}),
    "cooked": frozenset({"food", "drink"}),
    "met": frozenset({"person", "event"}),
    "called": frozenset({"person"}),
    "visited": frozenset({"place", "event", "person", "trip", "service", "health"}),
    "travelled": frozenset({"trip", "place"}),
    "ran": frozenset({"workout"}),
    "walked": frozenset({"workout", "place", "trip"}),
    "trained": frozenset({"workout", "health"}),
    "slept": frozenset({"sleep"}),
    "read": frozenset({"book", "article", "document"}),
    "watched": frozenset({"film", "series", "event"}),
    "listened": frozenset({"music", "podcast", "book"}),
    "learned": frozenset({"course", "book", "article", "task", "project"}),
    "made": frozenset({"task", "project", "thing", "food", "document"}),
    "repaired": frozenset({"thing", "transport", "product"}),
    "felt": frozenset({"mood", "health"}),
    "noted": frozenset(OBJECTS),
    "want": frozenset(_MONEY | _MEDIA | {"place", "trip", "task"}),
    "liked": frozenset(_MONEY | _MEDIA | {"place", "person", "podcast", "article"}),
}

EXPENSE_ACTIONS: Final = frozenset({"bought", "spent", "paid"})  # an amount on these is money spent
INCOME_ACTIONS: Final = frozenset({"earned", "received"})


def is_valid_semantic(action: str, obj: str) -> bool:
    """Whether ``action`` may be done with ``obj`` (``other`` goes with every action)."""
    return action in PAIRS and (obj == "other" or obj in PAIRS[action])


def label(words: dict[str, tuple[str, str]], key: str, language: str) -> str:
    ru, en = words.get(key, (key, key))
    return ru if language == "ru" else en
