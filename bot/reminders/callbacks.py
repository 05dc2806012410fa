"""Typed callback data for the buttons under a reminder."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.telegram.callbacks import RowId
from core.reminders.service import ReminderAction


class ReminderCb(CallbackData, prefix="rem"):
    action: ReminderAction
    item_id: RowId
