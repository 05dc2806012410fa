"""Errors of the date layer; they carry a stable code like every domain error."""

from __future__ import annotations

from core.errors import DomainError


class DateParseError(DomainError):
    """A command such as ``/set`` could not be understood. ``code`` says which part was wrong:

    ERR_SET_NO_ID, ERR_SET_NO_TIME, ERR_SET_BAD_TIME, ERR_SET_BAD_DATE, ERR_SET_BAD_DURATION.
    """
