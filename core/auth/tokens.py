"""Static token → access/refresh JWT exchange (HS256, PyJWT); refresh tokens are revocable."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.auth.models import RefreshToken, StaticToken
from core.db.base import utcnow
from core.errors import DomainError

ALGORITHM = "HS256"


class AuthError(DomainError):
    status_code = 401

    def __init__(self, message: str = "invalid credentials") -> None:
        super().__init__("ERR_UNAUTHORIZED", message)


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
    return int(claims["sub"])


async def _new_refresh(session: AsyncSession, user_id: int, ttl: int) -> str:
    token = "rt_" + secrets.token_urlsafe(32) + uuid.uuid4().hex[:8]
    session.add(RefreshToken(user_id=user_id, token_hash=token_hash(token),
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
    refresh = await _new_refresh(session, row.user_id, refresh_ttl)
    return TokenPair(make_access_token(row.user_id, signing_key, access_ttl), refresh, access_ttl, row.user_id)


async def refresh(session: AsyncSession, refresh_token: str, *, signing_key: str, access_ttl: int,
                  refresh_ttl: int) -> TokenPair:
    """Rotate: the old refresh token is revoked and a new pair is issued."""
    row = await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash(refresh_token)))
    if row is None or row.revoked_at is not None or row.expires_at < utcnow():
        raise AuthError("refresh token is invalid, expired or revoked")
    row.revoked_at = utcnow()
    row.last_used_at = utcnow()
    new_refresh = await _new_refresh(session, row.user_id, refresh_ttl)
    return TokenPair(make_access_token(row.user_id, signing_key, access_ttl), new_refresh, access_ttl, row.user_id)


async def logout(session: AsyncSession, refresh_token: str) -> bool:
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == token_hash(refresh_token), RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
