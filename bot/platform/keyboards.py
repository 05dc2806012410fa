"""Inline keyboards."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, WebAppInfo

from bot.platform.callbacks import LanguageCb, TimezoneCb
from bot.telegram.keyboard import Keyboard
from core.i18n import Translator

COMMON_ZONES = ("Europe/Moscow", "Europe/Kaliningrad", "Asia/Yekaterinburg", "Asia/Novosibirsk",
                "Europe/London", "Europe/Berlin", "America/New_York", "UTC")


def settings_keyboard(current_language: str) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for code, label in (("ru", "Русский"), ("en", "English")):
        mark = "✓ " if code == current_language else ""
        kb.button(text=mark + label, callback_data=LanguageCb(language=code))
    for zone in COMMON_ZONES:
        kb.button(text=zone, callback_data=TimezoneCb(zone=zone))
    kb.adjust(2, 2, 2, 2, 2)
    return kb.as_markup()


def help_keyboard(base_url: str, t: Translator) -> InlineKeyboardMarkup:
    """Under /help in a private chat (Telegram allows Mini App buttons only there): the journal Mini App."""
    kb = Keyboard()
    kb.button(text=t("platform.button.journal"), web_app=WebAppInfo(url=f"{base_url}/app/#/journal"))
    return kb.as_markup()
