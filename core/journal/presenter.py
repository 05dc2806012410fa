"""What the journal's jobs and the web app need from the chat adapter: a proposal's card with its buttons, and the
card once its entries are saved."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from core.i18n import Translator
from core.journal.models import Entry, Proposal
from core.presenters import PresenterKey, Reply


class JournalPresenter(Protocol):
    def card(self, proposal: Proposal, t: Translator, *, base_url: str, problem: str | None = None) -> Reply:
        """The proposed entries with Save / Edit (the Mini App form) / Cancel and "save as note"; with ``problem``
        (a link refused, a photo unreadable: the user's text of the error) that, with Cancel and "save as note" (a
        note's photo: Edit, the entry to fill in by hand, and "keep the note")."""
        ...

    def saved(self, proposal: Proposal, entries: Sequence[Entry], t: Translator) -> Reply:
        """The card after Save: the entries' #numbers, no buttons."""
        ...

    def dashboard(self, text: str, t: Translator, *, base_url: str, private: bool) -> Reply:
        """``/stats``' caption (or text) with a button opening the Mini App's dashboard (in a private chat only:
        Telegram allows Mini App buttons only there)."""
        ...


JOURNAL = PresenterKey[JournalPresenter]("journal")
