"""The secret address of each user's ICS feed: create, show again, rotate, resolve."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.calendar.models import CalendarFeed
from core.crypto import SecretBox, SecretUnreadable
from core.db.base import utcnow
from core.secrets.store import secret_context

FEED_PATH = "/calendar/{token}.ics"
TOKEN_NAME = "ics_token"  # the name in the token's encryption context (core.secrets.rotation re-seals it)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + FEED_PATH.format(token=token)


async def _store(session: AsyncSession, box: SecretBox, user_id: int, feed: CalendarFeed | None) -> str:
    token = secrets.token_urlsafe(24)
    ciphertext, version = box.encrypt(token, context=secret_context(user_id, TOKEN_NAME))
    if feed is None:
        session.add(CalendarFeed(user_id=user_id, token_hash=token_hash(token), token_ciphertext=ciphertext,
                                 key_version=version))
    else:
        feed.token_hash, feed.token_ciphertext, feed.key_version = token_hash(token), ciphertext, version
        feed.created_at = utcnow()
    await session.flush()
    return token


async def get_or_create_token(session: AsyncSession, box: SecretBox, user_id: int) -> str:
    feed = await session.get(CalendarFeed, user_id)
    if feed is not None:
        try:
            return box.decrypt(feed.token_ciphertext, feed.key_version, context=secret_context(user_id, TOKEN_NAME))
        except SecretUnreadable:  # the master key changed without the old one kept: issue a new address
            pass
    return await _store(session, box, user_id, feed)


async def rotate_token(session: AsyncSession, box: SecretBox, user_id: int) -> str:
    """A new address; the old one stops working at once."""
    return await _store(session, box, user_id, await session.get(CalendarFeed, user_id))


async def user_for_token(session: AsyncSession, token: str) -> int | None:
    if not token or len(token) > 128:
        return None
    return await session.scalar(select(CalendarFeed.user_id).where(CalendarFeed.token_hash == token_hash(token)))
