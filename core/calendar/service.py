"""Calendar rules the bot and the web app call: the feed and its address, connecting Google."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.calendar import feeds, oauth
from core.calendar.events import FAILED
from core.calendar.ics import build_feed
from core.calendar.providers import service_account_for
from core.calendar.repository import feed_items
from core.calendar.sync import enqueue_sync
from core.config import Settings
from core.crypto import SecretBox
from core.i18n import translator
from core.items import repository as items_repo
from core.telegram.outbox import Outbox
from core.users.models import User

FEED_HISTORY = dt.timedelta(days=90)  # past events kept in the feed


class GoogleLink(enum.StrEnum):
    OAUTH = "oauth"  # the user's own Google account is connected
    SERVICE_ACCOUNT = "service_account"  # the owner's calendar, via the service account
    CAN_CONNECT = "can_connect"  # OAuth is set up; the user has not connected
    NONE = "none"  # no Google on this install: the ICS feed only


@dataclass(frozen=True)
class CalendarStatus:
    feed_url: str
    google: GoogleLink
    connect_url: str | None = None


async def status(session: AsyncSession, settings: Settings, user_id: int) -> CalendarStatus:
    token = await feeds.get_or_create_token(session, SecretBox.from_settings(settings), user_id)
    url = feeds.feed_url(settings.base_url, token)
    if oauth.oauth_enabled(settings) and await oauth.is_connected(session, user_id):
        return CalendarStatus(url, GoogleLink.OAUTH)
    if service_account_for(settings, user_id):
        return CalendarStatus(url, GoogleLink.SERVICE_ACCOUNT)
    if oauth.oauth_enabled(settings):
        return CalendarStatus(url, GoogleLink.CAN_CONNECT, oauth.connect_url(settings, user_id))
    return CalendarStatus(url, GoogleLink.NONE)


async def reset_feed(session: AsyncSession, settings: Settings, user_id: int) -> str:
    token = await feeds.rotate_token(session, SecretBox.from_settings(settings), user_id)
    return feeds.feed_url(settings.base_url, token)


async def feed_for_token(session: AsyncSession, token: str, now: dt.datetime) -> bytes | None:
    user_id = await feeds.user_for_token(session, token)
    user = await session.get(User, user_id) if user_id is not None else None
    if user is None:
        return None
    items = await feed_items(session, user.id, now - FEED_HISTORY)
    return build_feed(items, timezone=user.timezone, reminder_minutes=user.reminder_minutes, now=now)


async def connect_google(session: AsyncSession, settings: Settings, state: str, code: str,
                         now: dt.datetime) -> User:
    """The OAuth callback: store the user's refresh token, sync their upcoming items and tell them in the chat.
    Returns the user."""
    user_id = oauth.read_state(settings, state)
    user = await session.get(User, user_id)
    if user is None:
        raise oauth.OAuthError("unknown user; send /start to the bot first")
    token = await oauth.exchange_code(settings, code)
    await oauth.save_refresh_token(session, SecretBox.from_settings(settings), user_id, token)
    for item in await items_repo.upcoming(session, user_id, now):
        if item.calendar_event_id in (None, FAILED):
            item.calendar_event_id, item.calendar_attempts = None, 0  # a new calendar: a fresh start
            await enqueue_sync(session, item, reason="connected")
    await Outbox(session, f"gcal-connect:{user_id}:{now.timestamp()}").send_message(
        user_id, translator(user.language)("calendar.google.connected_message"), parse_mode=None)
    return user


async def disconnect_google(session: AsyncSession, user_id: int) -> bool:
    return await oauth.disconnect(session, user_id)
