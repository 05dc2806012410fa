"""What core needs from the chat adapter to answer a text with an item: the reply's text and buttons."""

from __future__ import annotations

from typing import Protocol

from core.i18n import Translator
from core.items.questions import Outcome
from core.presenters import PresenterKey, Reply


class ItemsPresenter(Protocol):
    def outcome_reply(self, outcome: Outcome, t: Translator, tz: str, *, retry: bool = False) -> Reply:
        """The card, the question with its time buttons, or "saved" — whatever the outcome calls for."""
        ...


ITEMS = PresenterKey[ItemsPresenter]("items")
