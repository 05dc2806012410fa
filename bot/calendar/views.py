"""What /calendar says: the feed address and how Google is (or can be) connected."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.telegram.keyboard import Keyboard
from core.calendar.service import CalendarStatus, GoogleLink
from core.i18n import Translator


def calendar_view(status: CalendarStatus, t: Translator) -> tuple[str, InlineKeyboardMarkup | None]:
    parts = [t("calendar.feed", url=status.feed_url)]
    markup = None
    if status.google is GoogleLink.OAUTH:
        parts.append(t("calendar.google.oauth_connected"))
    elif status.google is GoogleLink.SERVICE_ACCOUNT:
        parts.append(t("calendar.google.service_account"))
    elif status.connect_url and status.connect_url.startswith("https://"):
        parts.append(t("calendar.google.connect_hint"))
        kb = Keyboard()
        kb.button(text=t("calendar.google.connect_button"), url=status.connect_url)
        markup = kb.as_markup()
    elif status.connect_url:  # Telegram refuses URL buttons to non-public hosts: a link in the text
        parts.append(t("calendar.google.connect_link", url=status.connect_url))
    return "\n\n".join(parts), markup
