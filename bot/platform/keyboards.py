"""Inline keyboards."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.platform.callbacks import LanguageCb, TimezoneCb

COMMON_ZONES = ("Europe/Moscow", "Europe/Kaliningrad", "Asia/Yekaterinburg", "Asia/Novosibirsk",
                "Europe/London", "Europe/Berlin", "America/New_York", "UTC")


def settings_keyboard(current_language: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code, label in (("ru", "Русский"), ("en", "English")):
        mark = "✓ " if code == current_language else ""
        kb.button(text=mark + label, callback_data=LanguageCb(language=code))
    for zone in COMMON_ZONES:
        kb.button(text=zone, callback_data=TimezoneCb(zone=zone))
    kb.adjust(2, 2, 2, 2, 2)
    return kb.as_markup()
