"""Callback data for the AI settings card."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ProviderCb(CallbackData, prefix="aip"):
    purpose: str  # ai | stt
    provider: str  # local | openai | gemini


class ForgetKeysCb(CallbackData, prefix="aik"):
    confirm: bool = True
