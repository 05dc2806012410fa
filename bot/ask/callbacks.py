"""Typed callback data of /ask answers."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class AskEntryCb(CallbackData, prefix="aske"):
    """Show a cited journal entry's card (in a group, where Mini App buttons cannot be)."""

    entry_id: int
