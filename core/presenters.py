"""How core asks the chat adapter to present something (a reply with buttons) without knowing it.

An app in core that needs buttons in a message declares a ``Protocol`` (``core/<app>/presenter.py``); the bot layer
implements it with its typed callback data, and the composition root provides the implementation here at start-up.
Each protocol comes with its typed key (``REMINDERS = PresenterKey[RemindersPresenter]("reminders")``); jobs reach
the presenter through their context (``ctx.presenters.get(REMINDERS)``), handlers through the runtime.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

from core.telegram.outbox import Markup

P = TypeVar("P")
Reply = tuple[str, Markup]  # a message's text and its buttons


class PresenterKey(Generic[P]):
    """Names one presenter protocol; ``get`` with it returns that protocol's type."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"PresenterKey({self.name!r})"


class Presenters:
    def __init__(self) -> None:
        self._by_key: dict[PresenterKey[Any], Any] = {}

    def provide(self, key: PresenterKey[P], presenter: P) -> None:
        self._by_key[key] = presenter

    def get(self, key: PresenterKey[P]) -> P:
        try:
            return cast(P, self._by_key[key])
        except KeyError:
            raise LookupError(f"no {key.name} presenter: the chat adapter is not wired in") from None
