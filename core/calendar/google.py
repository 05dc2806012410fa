"""Google Calendar through google-api-python-client (static discovery, no network at build time).

The client is blocking (httplib2), so every call runs in a worker thread with a fresh ``httplib2.Http`` and
a per-request timeout. Credentials are a service account (one owner) or a user's OAuth refresh token.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import google_auth_httplib2
import httplib2
import structlog
from google.auth import exceptions as auth_exceptions
from google.auth.credentials import Credentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from core.calendar.events import EventData
from core.calendar.oauth import SCOPE
from core.calendar.provider import CalendarRefused, CalendarUnavailable
from core.config import Settings

log = structlog.get_logger(__name__)

RATE_LIMIT_REASONS = ("rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded")


def service_account_credentials(path: str) -> Credentials:
    creds: Credentials = service_account.Credentials.from_service_account_file(path, scopes=[SCOPE])
    return creds


def oauth_credentials(settings: Settings, refresh_token: str) -> Credentials:
    """Refreshed on first use against GOOGLE_OAUTH_TOKEN_URL; the access token lives only in memory."""
    return user_credentials.Credentials(
        token=None, refresh_token=refresh_token, token_uri=settings.google_oauth_token_url,
        client_id=settings.google_oauth_client_id, client_secret=settings.google_oauth_client_secret, scopes=[SCOPE],
    )


def _event_body(event: EventData) -> dict[str, Any]:
    body: dict[str, Any] = {
        "summary": event.summary,
        "description": event.description,
        "start": {"dateTime": event.start.isoformat(), "timeZone": event.timezone},
        "end": {"dateTime": event.end.isoformat(), "timeZone": event.timezone},
        "status": "confirmed",  # also brings back an event deleted earlier (cancel, then undo)
    }
    if event.recurrence:  # a recurring event, expanded by Google in timeZone (its start is the next occurrence)
        body["recurrence"] = [f"RRULE:{event.recurrence}"]
    return body


def _reason(exc: HttpError) -> str:
    details = exc.error_details if isinstance(exc.error_details, list) else []
    return next((str(d.get("reason")) for d in details if isinstance(d, dict) and d.get("reason")), "")


def _translate(exc: Exception) -> Exception:
    """Provider-neutral errors; the messages never carry tokens."""
    if isinstance(exc, HttpError):
        status = int(exc.resp.status)
        if status >= 500 or status == 429 or (status == 403 and _reason(exc) in RATE_LIMIT_REASONS):
            return CalendarUnavailable(f"Google Calendar answered HTTP {status}", status=status)
        return CalendarRefused(f"Google Calendar answered HTTP {status} {_reason(exc)}".strip(), status=status)
    if isinstance(exc, auth_exceptions.RefreshError):
        if getattr(exc, "retryable", False):
            return CalendarUnavailable("could not refresh the Google access token")
        return CalendarRefused("Google refused the stored authorization (reconnect with /calendar)")
    if isinstance(exc, auth_exceptions.TransportError | httplib2.HttpLib2Error | socket.timeout | OSError):
        return CalendarUnavailable(f"Google Calendar unreachable: {type(exc).__name__}")
    return exc


class GoogleCalendarProvider:
    """One calendar (``calendar_id``) with one set of credentials."""

    def __init__(self, credentials: Credentials, calendar_id: str, *, api_base: str = "",
                 timeout: float = 20.0) -> None:
        self._credentials = credentials
        self.calendar_id = calendar_id
        self._api_base = api_base
        self._timeout = timeout

    def _events(self) -> Any:
        http = google_auth_httplib2.AuthorizedHttp(self._credentials, http=httplib2.Http(timeout=self._timeout))
        options = {"api_endpoint": self._api_base.rstrip("/") + "/calendar/v3/"} if self._api_base else None
        service = build("calendar", "v3", http=http, static_discovery=True, cache_discovery=False,
                        client_options=options)
        return service.events()

    async def _run(self, call: Callable[[], Any]) -> Any:
        try:
            return await asyncio.to_thread(call)
        except Exception as exc:
            translated = _translate(exc)
            if translated is exc:
                raise
            raise translated from exc

    async def upsert_event(self, event_id: str, event: EventData) -> str:
        def call() -> str:
            events = self._events()
            try:
                events.insert(calendarId=self.calendar_id, body={"id": event_id, **_event_body(event)}).execute()
            except HttpError as exc:
                if int(exc.resp.status) != 409:  # 409: the id exists (an earlier attempt got through)
                    raise
                events.patch(calendarId=self.calendar_id, eventId=event_id, body=_event_body(event)).execute()
            return event_id

        result: str = await self._run(call)
        return result

    async def patch_event(self, event_id: str, event: EventData) -> str:
        def call() -> str:
            events = self._events()
            try:
                events.patch(calendarId=self.calendar_id, eventId=event_id, body=_event_body(event)).execute()
            except HttpError as exc:
                if int(exc.resp.status) != 404:
                    raise
                events.insert(calendarId=self.calendar_id, body={"id": event_id, **_event_body(event)}).execute()
            return event_id

        result: str = await self._run(call)
        return result

    async def delete_event(self, event_id: str) -> None:
        def call() -> None:
            try:
                self._events().delete(calendarId=self.calendar_id, eventId=event_id).execute()
            except HttpError as exc:
                if int(exc.resp.status) not in (404, 410):  # 410: deleted already
                    raise

        await self._run(call)
