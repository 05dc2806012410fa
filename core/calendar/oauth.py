"""Per-user Google OAuth: the authorization-code flow over httpx, refresh tokens kept encrypted.

/calendar gives the user a link to ``/calendar/google/connect?state=…``; that page sends them to Google's
consent screen; Google sends them back to ``/calendar/google/callback?code=…&state=…``, where the code is
exchanged for a refresh token. ``state`` is a short-lived JWT naming the user, so nobody can attach their
Google account to someone else's Telegram account.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import httpx
import jwt
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.crypto import SecretBox
from core.db.base import utcnow
from core.errors import DomainError
from core.secrets import store

log = structlog.get_logger(__name__)

SCOPE = "https://www.googleapis.com/auth/calendar.events"
SECRET_NAME = "google_calendar_refresh_token"
STATE_TTL = timedelta(hours=1)
STATE_TYPE = "gcal-connect"
CALLBACK_PATH = "/calendar/google/callback"
CONNECT_PATH = "/calendar/google/connect"


class OAuthError(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__("ERR_CALENDAR_OAUTH", message)


def oauth_enabled(settings: Settings) -> bool:
    return bool(settings.google_oauth_client_id and settings.google_oauth_client_secret)


def redirect_uri(settings: Settings) -> str:
    return settings.base_url.rstrip("/") + CALLBACK_PATH


def make_state(settings: Settings, user_id: int) -> str:
    now = utcnow()
    claims = {"sub": str(user_id), "type": STATE_TYPE, "iat": now, "exp": now + STATE_TTL}
    return jwt.encode(claims, settings.jwt_signing_key, algorithm="HS256")


def read_state(settings: Settings, state: str) -> int:
    try:
        claims = jwt.decode(state, settings.jwt_signing_key, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.PyJWTError as exc:
        raise OAuthError("the link has expired or is not valid; send /calendar again") from exc
    if claims.get("type") != STATE_TYPE:
        raise OAuthError("not a calendar connect link")
    return int(claims["sub"])


def connect_url(settings: Settings, user_id: int) -> str:
    """The link /calendar shows (our page, which redirects to Google with the same state)."""
    return f"{settings.base_url.rstrip('/')}{CONNECT_PATH}?{urlencode({'state': make_state(settings, user_id)})}"


def authorization_url(settings: Settings, state: str) -> str:
    params = {
        "client_id": settings.google_oauth_client_id, "redirect_uri": redirect_uri(settings),
        "response_type": "code", "scope": SCOPE, "access_type": "offline", "prompt": "consent",
        "include_granted_scopes": "true", "state": state,
    }
    return f"{settings.google_oauth_auth_url}?{urlencode(params)}"


async def exchange_code(settings: Settings, code: str, *, client: httpx.AsyncClient | None = None) -> str:
    """The refresh token for an authorization code (Google's token endpoint)."""
    data = {
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri(settings),
        "client_id": settings.google_oauth_client_id, "client_secret": settings.google_oauth_client_secret,
    }
    own = client is None
    http = client or httpx.AsyncClient(timeout=settings.calendar_timeout)
    try:
        response = await http.post(settings.google_oauth_token_url, data=data)
    except httpx.HTTPError as exc:
        raise OAuthError("Google could not be reached; try again") from exc
    finally:
        if own:
            await http.aclose()
    if response.status_code != 200:
        log.warning("calendar.oauth_exchange_refused", status=response.status_code)
        raise OAuthError("Google did not accept the authorization; send /calendar and try again")
    refresh_token = response.json().get("refresh_token")
    if not refresh_token:
        raise OAuthError("Google gave no refresh token; remove the app's access in your Google account and retry")
    return str(refresh_token)


async def save_refresh_token(session: AsyncSession, box: SecretBox, user_id: int, token: str) -> None:
    await store.put(session, box, user_id, SECRET_NAME, token)
    log.info("calendar.google_connected", user_id=user_id)


async def load_refresh_token(session: AsyncSession, box: SecretBox, user_id: int) -> str | None:
    return await store.get(session, box, user_id, SECRET_NAME)


async def is_connected(session: AsyncSession, user_id: int) -> bool:
    return await store.exists(session, user_id, SECRET_NAME)


async def disconnect(session: AsyncSession, user_id: int) -> bool:
    removed = await store.delete(session, user_id, SECRET_NAME)
    log.info("calendar.google_disconnected", user_id=user_id, removed=removed)
    return removed
