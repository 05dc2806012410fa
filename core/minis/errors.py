"""Every error code the Minis API can answer with (the Mini App maps them to text; see docs/minis.md)."""

from __future__ import annotations

from core.errors import ConflictError, DomainError, NotFoundError

ERR_NAME_REQUIRED = "ERR_NAME_REQUIRED"
ERR_NAME_TOO_LONG = "ERR_NAME_TOO_LONG"
ERR_DUPLICATE_NAME = "ERR_DUPLICATE_NAME"  # 409
ERR_NOT_FOUND = "ERR_NOT_FOUND"  # 404, also for another user's type
ERR_INVALID_STAGE = "ERR_INVALID_STAGE"
ERR_INVALID_STAGE_TRANSITION = "ERR_INVALID_STAGE_TRANSITION"
ERR_INVALID_QTY = "ERR_INVALID_QTY"
ERR_INSUFFICIENT_QTY = "ERR_INSUFFICIENT_QTY"
ERR_IMPORT_INVALID = "ERR_IMPORT_INVALID"
ERR_IMPORT_TOO_LARGE = "ERR_IMPORT_TOO_LARGE"
ERR_IMPORT_LIMITS = "ERR_IMPORT_LIMITS"

ALL_CODES = (
    ERR_NAME_REQUIRED, ERR_NAME_TOO_LONG, ERR_DUPLICATE_NAME, ERR_NOT_FOUND, ERR_INVALID_STAGE,
    ERR_INVALID_STAGE_TRANSITION, ERR_INVALID_QTY, ERR_INSUFFICIENT_QTY, ERR_IMPORT_INVALID,
    ERR_IMPORT_TOO_LARGE, ERR_IMPORT_LIMITS,
)


class MinisError(DomainError):
    """A business rule was broken: HTTP 400 with `{"code", "message"}`."""


class DuplicateNameError(ConflictError):
    def __init__(self, name: str) -> None:
        super().__init__(ERR_DUPLICATE_NAME, f"a type named {name!r} already exists")


class TypeNotFoundError(NotFoundError):
    def __init__(self, type_id: int) -> None:
        super().__init__(f"miniature type {type_id} not found")
