"""What the topics jobs need from the chat adapter: the buttons that move a filed note to another topic."""

from __future__ import annotations

from typing import Protocol

from core.i18n import Translator
from core.presenters import PresenterKey
from core.telegram.outbox import Markup
from core.topics.models import NoteFiling


class TopicsPresenter(Protocol):
    def move_markup(self, filing: NoteFiling, t: Translator) -> Markup:
        """One button per other topic (``service.other_kinds``), valid until the filing's buttons expire."""
        ...


TOPICS = PresenterKey[TopicsPresenter]("topics")
