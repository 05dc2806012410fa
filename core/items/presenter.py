"""What core needs from the chat adapter to answer about an item (a text, a change made in the app): the reply's text
and buttons."""

from __future__ import annotations

from typing import Protocol

from core.i18n import Translator
from core.items.models import Item
from core.items.questions import Outcome
from core.presenters import PresenterKey, Reply


class ItemsPresenter(Protocol):
    def outcome_reply(self, outcome: Outcome, t: Translator, tz: str, *, retry: bool = False) -> Reply:
        """The card, the question with its time buttons, or "saved" — whatever the outcome calls for."""
        ...

    def card_reply(self, item: Item, t: Translator, tz: str) -> Reply:
        """An item's card with its buttons (as after /set)."""
        ...

    def changed_reply(self, item: Item, t: Translator, tz: str, *, skipped: bool = False) -> Reply:
        """After Done / Skip / Cancel: the card with its new status (a repeating item's next occurrence)."""
        ...


ITEMS = PresenterKey[ItemsPresenter]("items")
