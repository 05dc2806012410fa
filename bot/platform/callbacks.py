"""Typed callback data for every inline button."""

from __future__ import annotations

from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from core.users.service import MAX_TIMEZONE_LENGTH


class LanguageCb(CallbackData, prefix="lang"):
    language: Literal["ru", "en"]


class TimezoneCb(CallbackData, prefix="tz"):
    zone: Annotated[str, Field(min_length=1, max_length=MAX_TIMEZONE_LENGTH)]  # set_timezone checks the name
