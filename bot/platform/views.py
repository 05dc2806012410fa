"""What the platform commands say: the settings card and /help."""

from __future__ import annotations

from core.i18n import Translator, catalog_keys
from core.users.models import User


def settings_text(t: Translator, user: User) -> str:
    language = "Русский" if user.language == "ru" else "English"
    return t("settings.title", language=language, timezone=user.timezone)


def help_text(t: Translator) -> str:
    """The platform's help, then every app's own "help.<app>" section from its catalog."""
    sections = sorted(k for k in catalog_keys(t.language) if k.startswith("help.") and k != "help.text")
    return "\n\n".join([t("help.text"), *(t(k) for k in sections)])
