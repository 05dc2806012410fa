"""Callback data for the "move to another topic" buttons under a filed note's confirmation."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.telegram.callbacks import RowId
from core.ai.types import NoteKind


class MoveTopicCb(CallbackData, prefix="tmv"):
    """Move filed note ``filing_id`` into the topic of class ``kind`` (idea, task, meeting…)."""

    filing_id: RowId
    kind: NoteKind
