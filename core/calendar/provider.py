"""The calendar provider interface the sync service drives, and the errors it may raise."""

from __future__ import annotations

from typing import Protocol

from core.calendar.events import EventData
from core.errors import DomainError


class CalendarError(DomainError):
    """A provider call failed. ``transient`` errors are retried (PENDING); the others are final (FAILED)."""

    transient = False

    def __init__(self, code: str, message: str = "", *, status: int | None = None) -> None:
        super().__init__(code, message)
        self.status = status


class CalendarUnavailable(CalendarError):
    """Timeouts, connection errors, 5xx, 429 and rate-limit 403s: worth another try later."""

    transient = True

    def __init__(self, message: str = "calendar temporarily unavailable", *, status: int | None = None) -> None:
        super().__init__("ERR_CALENDAR_UNAVAILABLE", message, status=status)


class CalendarRefused(CalendarError):
    """Google said no for good (bad request, no access to the calendar, revoked authorization)."""

    def __init__(self, message: str = "calendar refused the request", *, status: int | None = None) -> None:
        super().__init__("ERR_CALENDAR_REFUSED", message, status=status)


class CalendarProvider(Protocol):
    """Events keyed by the caller's deterministic id. Every method is idempotent."""

    async def upsert_event(self, event_id: str, event: EventData) -> str:
        """Create the event with this id, or bring the existing one (even a deleted one) up to date."""
        ...

    async def patch_event(self, event_id: str, event: EventData) -> str:
        """Update the event; creates it when it does not exist."""
        ...

    async def delete_event(self, event_id: str) -> None:
        """Remove the event; an event that is already gone is not an error."""
        ...
