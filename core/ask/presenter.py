"""What the /ask job needs from the chat adapter: the buttons under an answer."""

from __future__ import annotations

from typing import Any, Protocol

from core.i18n import Translator
from core.presenters import PresenterKey
from core.telegram.outbox import Markup


class AskPresenter(Protocol):
    def answer_markup(self, cited: list[dict[str, Any]], filters: dict[str, Any], t: Translator, *, base_url: str,
                      private: bool) -> Markup:
        """One button per cited journal entry (``{"source", "id", "number", "title"}``) that opens it, and one that
        opens the entry list with the suggested filters."""
        ...


ASK = PresenterKey[AskPresenter]("ask")
