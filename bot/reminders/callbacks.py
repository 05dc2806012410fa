"""Typed callback data for the reminder buttons (packed by core.reminders.buttons, which jobs use)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from core.reminders.buttons import PREFIX, ReminderAction


class ReminderCb(CallbackData, prefix=PREFIX):
    action: ReminderAction
    item_id: int
