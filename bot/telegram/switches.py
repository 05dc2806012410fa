"""Buttons one app puts on its replies for another: bot apps do not import each other, so the callback data both
sides need lives here. The items app shows "save as entry" under a note; the journal app handles the press."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.telegram.callbacks import RowId


class NoteToEntryCb(CallbackData, prefix="n2j"):
    """"Save as entry" under a note: the note (by row id) becomes a journal proposal."""

    item_id: RowId
