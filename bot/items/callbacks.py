"""Typed callback data for the secretary's inline buttons (item cards, questions, list pages)."""

from __future__ import annotations

from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.telegram.callbacks import RowId

MINUTES_IN_A_DAY = 24 * 60
MAX_LIST_PAGE = 100_000  # far beyond any list; the page shown is clamped into range anyway


class ItemCb(CallbackData, prefix="it"):
    """A button on an item card; ``action`` is done, skip (a repeating item's occurrence), resched or cancel. Items
    are addressed by row id."""

    action: Literal["done", "skip", "resched", "cancel"]
    item_id: RowId


class ClarifyCb(CallbackData, prefix="cl"):
    """A button under a question: a time as minutes after midnight, -1 for Cancel, -2 for Keep (a passed time as
    it was said)."""

    item_id: RowId
    minute: Annotated[int, Field(ge=-2, lt=MINUTES_IN_A_DAY)]


class ListCb(CallbackData, prefix="ls"):
    """◀ ▶ under /list: the kind shown ("all", "task", …) and the page (0-based)."""

    kind: Literal["all", "note", "task", "meeting", "reminder"]
    page: Annotated[int, Field(ge=0, le=MAX_LIST_PAGE)]
