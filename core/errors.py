"""Domain errors carry a stable code; each adapter turns them into an HTTP body or a chat message."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400

    def __init__(self, code: str, message: str = "", **params: Any) -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message or code
        self.params = params


class NotFoundError(DomainError):
    status_code = 404

    def __init__(self, message: str = "not found", **params: Any) -> None:
        super().__init__("ERR_NOT_FOUND", message, **params)


class ConflictError(DomainError):
    status_code = 409
