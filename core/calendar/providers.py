"""Which calendar a user's items go to: their own Google account (OAuth), the owner's calendar through a
service account, or none (the ICS feed only). The Google client is imported only when one is configured."""

from __future__ import annotations

import hashlib
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from core.calendar import oauth
from core.calendar.provider import CalendarProvider
from core.config import Settings
from core.crypto import SecretBox, SecretUnreadable

log = structlog.get_logger(__name__)

USER_CALENDAR = "primary"


def service_account_for(settings: Settings, user_id: int) -> bool:
    """The service account calendar belongs to one owner (GOOGLE_CALENDAR_OWNER_ID)."""
    return bool(settings.google_service_account_file and settings.google_calendar_id
                and settings.google_calendar_owner_id == user_id)


def google_configured(settings: Settings) -> bool:
    return oauth.oauth_enabled(settings) or bool(settings.google_service_account_file and settings.google_calendar_id)


async def provider_for_user(session: AsyncSession, settings: Settings, user_id: int,
                            cache: dict[str, Any] | None = None) -> CalendarProvider | None:
    """The user's provider, or None. ``cache`` (kept on the runtime) reuses credentials and their access
    tokens between jobs."""
    from core.calendar.google import GoogleCalendarProvider, oauth_credentials, service_account_credentials

    cache = {} if cache is None else cache
    if oauth.oauth_enabled(settings):
        try:
            token = await oauth.load_refresh_token(session, SecretBox.from_settings(settings), user_id)
        except SecretUnreadable:
            log.warning("calendar.oauth_token_unreadable", user_id=user_id)
            token = None
        if token:
            key = "oauth:" + hashlib.sha256(f"{user_id}:{token}".encode()).hexdigest()
            creds = cache.get(key) or cache.setdefault(key, oauth_credentials(settings, token))
            return GoogleCalendarProvider(creds, USER_CALENDAR, api_base=settings.google_api_base,
                                          timeout=settings.calendar_timeout)
    if service_account_for(settings, user_id):
        key = "sa:" + settings.google_service_account_file
        if key not in cache:
            cache[key] = service_account_credentials(settings.google_service_account_file)
        return GoogleCalendarProvider(cache[key], settings.google_calendar_id, api_base=settings.google_api_base,
                                      timeout=settings.calendar_timeout)
    return None
