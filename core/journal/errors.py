"""The journal's domain errors: a code (its text is in core/i18n/locales/journal) and the HTTP status it answers."""

from __future__ import annotations

from typing import Any

from core.errors import ConflictError, DomainError


class JournalError(DomainError):
    """A value the journal refuses (400)."""


class EntryNotFound(DomainError):
    status_code = 404

    def __init__(self, message: str = "no such entry among the user's own", **params: Any) -> None:
        super().__init__("ERR_JOURNAL_ENTRY_NOT_FOUND", message, **params)


class RecipeNotFound(DomainError):
    status_code = 404

    def __init__(self, message: str = "no such recipe among the user's own", **params: Any) -> None:
        super().__init__("ERR_JOURNAL_RECIPE_NOT_FOUND", message, **params)


class VersionConflict(ConflictError):
    def __init__(self, current: int) -> None:
        super().__init__("ERR_JOURNAL_VERSION_CONFLICT", "the entry changed meanwhile", current=current)
