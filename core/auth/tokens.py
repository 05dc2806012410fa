"""Static token → access/refresh JWT exchange (HS256, PyJWT); refresh tokens are revocable."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

import jwt
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.auth.models import RefreshToken, StaticToken
from core.db.base import utcnow
from core.db.values import is_bigint
from core.errors import DomainError

ALGORITHM = "HS256"
JOURNAL_EXPORT = "journal-export"  # the purpose of a journal export's download link
REUSE_GRACE_SECONDS = 10.0  # a rotated token presented again sooner is the owner's own duplicate request


class AuthError(DomainError):
    status_code = 401

    def __init__(self, message: str = "invalid credentials") -> None:
        super().__init__("ERR_UNAUTHORIZED", message)


class RefreshReused(AuthError):
    """A rotated refresh token came back (a stolen copy or a replay): its whole login was revoked."""

    def __init__(self) -> None:
        super().__init__("refresh token was already used; its login is revoked")


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    user_id: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_static_token(session: AsyncSession, user_id: int) -> str:
    """A new static token for a user (shown once; only its hash is stored)."""
    token = "st_" + secrets.token_urlsafe(32)
    session.add(StaticToken(user_id=user_id, token_hash=token_hash(token)))
    await session.flush()
    return token


async def revoke_static_tokens(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(StaticToken).where(StaticToken.user_id == user_id, StaticToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def make_access_token(user_id: int, signing_key: str, ttl: int) -> str:
    now = utcnow()
    claims = {"sub": str(user_id), "type": "access", "iat": now, "exp": now + timedelta(seconds=ttl)}
    return jwt.encode(claims, signing_key, algorithm=ALGORITHM)


def decode_access_token(token: str, signing_key: str) -> int:
    try:
        claims = jwt.decode(token, signing_key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.PyJWTError as exc:
        raise AuthError("access token is invalid or expired") from exc
    if claims.get("type") != "access":
        raise AuthError("not an access token")
    try:
        user_id: int | None = int(claims["sub"])
    except (TypeError, ValueError):
        user_id = None
    if not is_bigint(user_id):  # signed by us, yet no user id a BIGINT can hold
        raise AuthError("access token names no valid user")
    return user_id


def make_link_token(user_id: int, purpose: str, signing_key: str, ttl: int) -> str:
    """A short-lived token for one purpose (a download link Telegram opens without our headers); never an access
    token."""
    now = utcnow()
    claims = {"sub": str(user_id), "type": "link", "purpose": purpose, "iat": now, "exp": now + timedelta(seconds=ttl)}
    return jwt.encode(claims, signing_key, algorithm=ALGORITHM)


def decode_link_token(token: str, purpose: str, signing_key: str) -> int:
    try:
        claims = jwt.decode(token, signing_key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.PyJWTError as exc:
        raise AuthError("link is invalid or expired") from exc
    if claims.get("type") != "link" or claims.get("purpose") != purpose:
        raise AuthError("not a link for this")
    try:
        user_id: int | None = int(claims["sub"])
    except (TypeError, ValueError):
        user_id = None
    if not is_bigint(user_id):
        raise AuthError("link names no valid user")
    return user_id


async def _new_refresh(session: AsyncSession, user_id: int, ttl: int, family_id: str) -> str:
    token = "rt_" + secrets.token_urlsafe(32) + uuid.uuid4().hex[:8]
    session.add(RefreshToken(user_id=user_id, token_hash=token_hash(token), family_id=family_id,
                             expires_at=utcnow() + timedelta(seconds=ttl)))
    await session.flush()
    return token


async def exchange(session: AsyncSession, static_token: str, *, signing_key: str, access_ttl: int,
                   refresh_ttl: int) -> TokenPair:
    row = await session.scalar(
        select(StaticToken).where(StaticToken.token_hash == token_hash(static_token), StaticToken.revoked_at.is_(None))
    )
    if row is None:
        raise AuthError("unknown or revoked static token")
    refresh = await _new_refresh(session, row.user_id, refresh_ttl, family_id=uuid.uuid4().hex)  # a new login
    return TokenPair(make_access_token(row.user_id, signing_key, access_ttl), refresh, access_ttl, row.user_id)


async def refresh(session: AsyncSession, refresh_token: str, *, signing_key: str, access_ttl: int,
                  refresh_ttl: int, reuse_grace: float = REUSE_GRACE_SECONDS) -> TokenPair:
    """Rotate: the old refresh token is revoked and a new pair is issued — once.

    The revocation is one conditional UPDATE, so of several concurrent refreshes of one token exactly one wins (on
    PostgreSQL the others wait for its row lock, then find the token revoked). A token presented again more than
    ``reuse_grace`` seconds after it was revoked is a replayed copy: every token of its login is revoked
    (:class:`RefreshReused`; the caller commits that before answering 401). Sooner, it is the owner's own duplicate
    request racing the rotation, and only that request is refused.
    """
    now = utcnow()
    digest = token_hash(refresh_token)
    rotated = (await session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == digest, RefreshToken.revoked_at.is_(None), RefreshToken.expires_at > now)
        .values(revoked_at=now, last_used_at=now)
        .returning(RefreshToken.user_id, RefreshToken.family_id)
        .execution_options(synchronize_session=False)
    )).first()
    if rotated is None:
        await _refuse_refresh(session, digest, now - timedelta(seconds=reuse_grace))
    user_id, family_id = rotated
    new_refresh = await _new_refresh(session, user_id, refresh_ttl, family_id=family_id)
    return TokenPair(make_access_token(user_id, signing_key, access_ttl), new_refresh, access_ttl, user_id)


async def _refuse_refresh(session: AsyncSession, digest: str, revoked_before: datetime) -> NoReturn:
    row = (await session.execute(
        select(RefreshToken.family_id, RefreshToken.revoked_at).where(RefreshToken.token_hash == digest)
    )).first()
    if row is not None and row.revoked_at is not None and row.revoked_at < revoked_before:
        await session.execute(
            update(RefreshToken).where(RefreshToken.family_id == row.family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=utcnow()).execution_options(synchronize_session=False)
        )
        raise RefreshReused()
    raise AuthError("refresh token is invalid, expired or revoked")


async def logout(session: AsyncSession, refresh_token: str) -> bool:
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == token_hash(refresh_token), RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
