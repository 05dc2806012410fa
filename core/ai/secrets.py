"""A user's own API keys, kept in the secret store (never logged, never returned in clear to a UI)."""

from __future__ import annotations

from typing import Literal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from core.crypto import SecretBox
from core.errors import DomainError
from core.secrets import store

log = structlog.get_logger(__name__)

KeyProvider = Literal["openai", "gemini"]
KEY_NAMES: dict[str, str] = {"openai": "openai_api_key", "gemini": "gemini_api_key"}
MAX_SECRET_CHARS = 512


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
    await store.put(session, box, user_id, name, _clean(value))
    log.info("ai.user_key_set", user_id=user_id, provider=provider)


async def get_api_key(session: AsyncSession, box: SecretBox, user_id: int, provider: str) -> str | None:
    return await store.get(session, box, user_id, key_name(provider))


async def delete_api_key(session: AsyncSession, user_id: int, provider: str) -> bool:
    """Forget the user's key; returns whether there was one."""
    removed = await store.delete(session, user_id, key_name(provider))
    log.info("ai.user_key_deleted", user_id=user_id, provider=provider, removed=removed)
    return removed


async def providers_with_keys(session: AsyncSession, user_id: int) -> list[str]:
    """Which providers the user has a key for (for a settings screen: "OpenAI key: set")."""
    have = await store.names_present(session, user_id, KEY_NAMES.values())
    return [provider for provider, name in KEY_NAMES.items() if name in have]
