"""Typed callback data for the secretary's inline buttons (item cards, questions, list pages)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ItemCb(CallbackData, prefix="it"):
    """A button on an item card; ``action`` is done, resched or cancel. Items are addressed by row id."""

    action: str
    item_id: int


class ClarifyCb(CallbackData, prefix="cl"):
    """A button under a question: a time as minutes after midnight, or -1 for Cancel."""

    item_id: int
    minute: int


class ListCb(CallbackData, prefix="ls"):
    """◀ ▶ under /list: the kind shown ("all", "task", …) and the page (0-based)."""

    kind: str
    page: int
