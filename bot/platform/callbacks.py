"""Typed callback data for every inline button."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCb(CallbackData, prefix="lang"):
    language: str


class TimezoneCb(CallbackData, prefix="tz"):
    zone: str
