"""Which provider serves a user: their own choice and key if they set one, else the platform default.

Order: the user's explicit choice (``User.ai_provider`` / ``User.stt_provider``), with their own key or the
platform's; with no choice, a provider the user has their own key for (OpenAI first); else AI_PROVIDER /
STT_PROVIDER with the platform key ("auto", the default: OpenAI if OPENAI_API_KEY is set, else Gemini if
GEMINI_API_KEY is set). A cloud provider without any key falls back to ``local``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import secrets
from core.ai.local_provider import LocalProvider
from core.ai.provider import AIProvider, UsageRecorder
from core.ai.retry import RetryPolicy
from core.config import Settings
from core.crypto import SecretBox, SecretUnreadable
from core.db.engine import get_by_pk
from core.users.models import User

log = structlog.get_logger(__name__)

Purpose = Literal["ai", "stt"]
CLOUD = ("openai", "gemini")


@dataclass(frozen=True)
class ProviderChoice:
    provider: str  # local | openai | gemini
    key_source: Literal["user", "platform", "none"]
    api_key: str = ""

    def __repr__(self) -> str:  # the key never reaches a log line or a traceback
        return f"ProviderChoice(provider={self.provider!r}, key_source={self.key_source!r})"


def _platform_key(settings: Settings, provider: str) -> str:
    return settings.openai_api_key if provider == "openai" else settings.gemini_api_key if provider == "gemini" else ""


async def _user_key(session: AsyncSession, settings: Settings, user_id: int, provider: str) -> str:
    try:  # the box is made only when a key is looked up (most users have none: no box, no key derivation)
        return await secrets.get_api_key(session, SecretBox.from_settings(settings), user_id, provider) or ""
    except SecretUnreadable:
        log.warning("ai.user_key_unreadable", user_id=user_id, provider=provider)
        return ""


async def choose(session: AsyncSession, settings: Settings, user_id: int | None, purpose: Purpose = "ai"
                 ) -> ProviderChoice:
    """Decide the provider and key for one user and purpose (no network)."""
    user = await get_by_pk(session, User, user_id) if user_id is not None else None
    explicit = (user.ai_provider if purpose == "ai" else user.stt_provider) if user is not None else None
    if explicit == "local":
        return ProviderChoice("local", "none")
    if user is not None and explicit in CLOUD:
        key = await _user_key(session, settings, user.id, explicit)
        if key:
            return ProviderChoice(explicit, "user", key)
        if _platform_key(settings, explicit):
            return ProviderChoice(explicit, "platform", _platform_key(settings, explicit))
        log.warning("ai.no_key_fallback_local", user_id=user.id, provider=explicit, purpose=purpose)
        return ProviderChoice("local", "none")
    if user is not None:  # one query for which keys the user has; a key is decrypted only when there is one
        for provider in await secrets.providers_with_keys(session, user.id):
            key = await _user_key(session, settings, user.id, provider)
            if key:
                return ProviderChoice(provider, "user", key)
    return platform_choice(settings, purpose, user_id=user_id)


def platform_choice(settings: Settings, purpose: Purpose = "ai", *, user_id: int | None = None) -> ProviderChoice:
    """The platform's own provider and key (AI_PROVIDER / STT_PROVIDER): for a user with no choice or key of their
    own, and for a process that serves no user (`secretary asr`)."""
    default: str = settings.ai_provider if purpose == "ai" else settings.stt_provider
    if default == "auto":  # the first cloud provider the platform has a key for
        default = next((p for p in CLOUD if _platform_key(settings, p)), "local")
    if default in CLOUD:
        if _platform_key(settings, default):
            return ProviderChoice(default, "platform", _platform_key(settings, default))
        log.warning("ai.no_key_fallback_local", user_id=user_id, provider=default, purpose=purpose)
    return ProviderChoice("local", "none")


def calls_out(choice: ProviderChoice) -> bool:
    """Whether the chosen provider's calls go over the network (not the offline provider's, which run here): a unit
    of work must not hold a transaction across them."""
    return choice.provider in ("openai", "gemini")


def build_provider(choice: ProviderChoice, settings: Settings, *, recorder: UsageRecorder | None = None,
                   retry: RetryPolicy | None = None) -> AIProvider:
    """The SDKs are imported on first use: a process on the offline provider never loads them (about 100 MB and a
    second of start-up, bench/bench_start.py)."""
    if choice.provider == "openai":
        from core.ai.openai_provider import OpenAIProvider

        return OpenAIProvider.from_settings(settings, api_key=choice.api_key, recorder=recorder, retry=retry)
    if choice.provider == "gemini":
        from core.ai.gemini_provider import GeminiProvider

        return GeminiProvider.from_settings(settings, api_key=choice.api_key, recorder=recorder, retry=retry)
    return LocalProvider.from_settings(settings, recorder=recorder)


async def provider_for(session: AsyncSession, settings: Settings, user_id: int | None,
                       usage_recorder: UsageRecorder | None = None, *, retry: RetryPolicy | None = None
                       ) -> AIProvider:
    """The AI provider for this user (or the platform default for ``None``). Call ``aclose()`` when done."""
    return build_provider(await choose(session, settings, user_id, "ai"), settings, recorder=usage_recorder,
                          retry=retry)


async def stt_provider_for(session: AsyncSession, settings: Settings, user_id: int | None,
                           usage_recorder: UsageRecorder | None = None, *, retry: RetryPolicy | None = None
                           ) -> AIProvider:
    """The speech-to-text provider for this user (its ``transcribe``). Call ``aclose()`` when done."""
    return build_provider(await choose(session, settings, user_id, "stt"), settings, recorder=usage_recorder,
                          retry=retry)
