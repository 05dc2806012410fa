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


class ProposalNotFound(DomainError):
    status_code = 404

    def __init__(self) -> None:
        super().__init__("ERR_JOURNAL_PROPOSAL_NOT_FOUND", "no such proposal among the user's own")


class ProposalClosed(ConflictError):
    """The card was saved, cancelled or kept as a note already: it changes nothing now."""

    def __init__(self, status: str) -> None:
        super().__init__("ERR_JOURNAL_PROPOSAL_CLOSED", "the proposal is closed already", status=status)


class NoEntry(DomainError):
    """/again #N: the user has no live entry #N."""

    def __init__(self, number: str) -> None:
        super().__init__("ERR_JOURNAL_NO_SUCH_NUMBER", "no such entry number among the user's own", number=number)


class PhotoTooLarge(JournalError):
    """A photo over JOURNAL_PHOTO_MAX_BYTES (413)."""

    status_code = 413

    def __init__(self, limit_bytes: int) -> None:
        super().__init__("ERR_JOURNAL_IMAGE_TOO_LARGE", "the photo is too large",
                         limit_mb=max(1, limit_bytes // (1024 * 1024)))


class AnalysisNotFound(DomainError):
    status_code = 404

    def __init__(self) -> None:
        super().__init__("ERR_JOURNAL_ANALYSIS_NOT_FOUND", "no such analysis among the user's own")


class AttachmentNotFound(DomainError):
    status_code = 404

    def __init__(self) -> None:
        super().__init__("ERR_JOURNAL_ATTACHMENT_NOT_FOUND", "no such attachment among the user's own")
