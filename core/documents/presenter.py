"""What the documents jobs need from the chat adapter: the citation buttons under an answer."""

from __future__ import annotations

from typing import Any, Protocol

from core.i18n import Translator
from core.presenters import PresenterKey
from core.telegram.outbox import Markup


class DocumentsPresenter(Protocol):
    def citations_markup(self, citations: list[dict[str, Any]], t: Translator) -> Markup:
        """One button per citation (document, page): pressed, it sends the block's region of the page."""
        ...


DOCUMENTS = PresenterKey[DocumentsPresenter]("documents")
