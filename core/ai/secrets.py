"""A user's own API keys, stored encrypted in ``user_secrets`` (never logged, never returned in clear to a UI)."""

from __future__ import annotations

from typing import Literal

import structlog
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.crypto import SecretBox
from core.db.base import utcnow
from core.errors import DomainError
from core.users.models import UserSecret

log = structlog.get_logger(__name__)

KeyProvider = Literal["openai", "gemini"]
KEY_NAMES: dict[str, str] = {"openai": "openai_api_key", "gemini": "gemini_api_key"}
MAX_SECRET_CHARS = 512


def _context(user_id: int, name: str) -> str:
    return f"user:{user_id}:{name}"


def key_name(provider: str) -> str:
    try:
        return KEY_NAMES[provider]
    except KeyError:
        raise DomainError("ERR_SECRET_UNKNOWN", f"no API key is kept for provider {provider!r}") from None


def mask_secret(value: str) -> str:
    """What a UI may show of a key: its last four characters."""
    return "…" + value[-4:] if len(value) > 8 else "…"


def _clean(value: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_SECRET_CHARS or any(ch.isspace() for ch in value):
        # the message never quotes the value
        raise DomainError("ERR_SECRET_INVALID", "an API key is one word of at most 512 characters")
    return value


async def set_api_key(session: AsyncSession, box: SecretBox, user_id: int, provider: str, value: str) -> None:
    """Store (or replace) the user's key for ``provider``, encrypted. Flushes; the caller commits."""
    name = key_name(provider)
    ciphertext, version = box.encrypt(_clean(value), context=_context(user_id, name))
    row = await session.scalar(select(UserSecret).where(UserSecret.user_id == user_id, UserSecret.name == name))
    if row is None:
        session.add(UserSecret(user_id=user_id, name=name, ciphertext=ciphertext, key_version=version))
    else:
        row.ciphertext, row.key_version, row.updated_at = ciphertext, version, utcnow()
    await session.flush()
    log.info("ai.user_key_set", user_id=user_id, provider=provider)


async def get_api_key(session: AsyncSession, box: SecretBox, user_id: int, provider: str) -> str | None:
    name = key_name(provider)
    row = await session.scalar(select(UserSecret).where(UserSecret.user_id == user_id, UserSecret.name == name))
    if row is None:
        return None
    return box.decrypt(row.ciphertext, row.key_version, context=_context(user_id, name))


async def delete_api_key(session: AsyncSession, user_id: int, provider: str) -> bool:
    """Forget the user's key; returns whether there was one."""
    name = key_name(provider)
    result = await session.execute(
        delete(UserSecret).where(UserSecret.user_id == user_id, UserSecret.name == name)
    )
    await session.flush()
    removed = bool(getattr(result, "rowcount", 0))
    log.info("ai.user_key_deleted", user_id=user_id, provider=provider, removed=removed)
    return removed


async def providers_with_keys(session: AsyncSession, user_id: int) -> list[str]:
    """Which providers the user has a key for (for a settings screen: "OpenAI key: set")."""
    names = await session.scalars(
        select(UserSecret.name).where(UserSecret.user_id == user_id, UserSecret.name.in_(KEY_NAMES.values()))
    )
    have = set(names)
    return [provider for provider, name in KEY_NAMES.items() if name in have]


async def rotate_api_keys(session: AsyncSession, box: SecretBox) -> int:
    """Re-encrypt every stored key sealed with an older key version; returns how many were rewritten."""
    rows = await session.scalars(
        select(UserSecret).where(UserSecret.name.in_(KEY_NAMES.values()), UserSecret.key_version != box.key_version)
    )
    count = 0
    for row in rows:
        context = _context(row.user_id, row.name)
        plaintext = box.decrypt(row.ciphertext, row.key_version, context=context)
        row.ciphertext, row.key_version = box.encrypt(plaintext, context=context)
        row.updated_at = utcnow()
        count += 1
    await session.flush()
    return count
