"""Domain errors carry a stable code; each adapter turns them into an HTTP body or a chat message.

The text a user reads is the code's entry in the app's gettext catalog (``msgid "ERR_…"``), filled with the error's
params; :func:`error_text` is the one place that looks it up, for the bot and the web app alike.
"""

from __future__ import annotations

from typing import Any

from core.i18n import Translator


class DomainError(Exception):
    status_code = 400
    #: a chat adapter shows the text as an alert and takes the buttons off the message that was pressed
    expired_buttons = False

    def __init__(self, code: str, message: str = "", **params: Any) -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message or code
        self.params = params

    def text_params(self, language: str) -> dict[str, Any]:
        """The placeholders of the code's text; override to put a parameter into the user's language."""
        return self.params


class NotFoundError(DomainError):
    status_code = 404

    def __init__(self, message: str = "not found", **params: Any) -> None:
        super().__init__("ERR_NOT_FOUND", message, **params)


class ConflictError(DomainError):
    status_code = 409


def has_text(error: DomainError, t: Translator) -> bool:
    return t.knows(error.code)


def error_text(error: DomainError, t: Translator) -> str:
    """What the user reads: the code's catalog text, or (a code with no text yet) a short generic one."""
    if has_text(error, t):
        return t(error.code, **error.text_params(t.language))
    return t("error.domain", code=error.code)
