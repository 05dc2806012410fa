"""Callback data for the AI settings card."""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData


class ProviderCb(CallbackData, prefix="aip"):
    purpose: Literal["ai", "stt"]
    provider: Literal["local", "openai", "gemini"]


class ForgetKeysCb(CallbackData, prefix="aik"):
    confirm: bool = True
