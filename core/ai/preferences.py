"""A user's AI settings, as the /ai card shows and changes them: which provider serves them, their own keys."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import secrets
from core.ai.factory import ProviderChoice, Purpose, choose
from core.ai.local_provider import LocalProvider
from core.config import Settings
from core.crypto import SecretBox
from core.errors import DomainError
from core.users.models import User

PROVIDERS = ("local", "openai", "gemini")
PURPOSES: tuple[Purpose, ...] = ("ai", "stt")


@dataclass(frozen=True)
class AISettings:
    ai: ProviderChoice
    stt: ProviderChoice
    keys: list[str]  # the providers the user has their own key for
    offline_stt: bool  # the offline provider can transcribe here (faster-whisper and WHISPER_MODEL_PATH)

    @property
    def stt_off(self) -> bool:
        """Voice notes cannot be transcribed: offline serves speech, and there is no offline model here."""
        return self.stt.provider == "local" and not self.offline_stt


async def current(session: AsyncSession, settings: Settings, user_id: int) -> AISettings:
    return AISettings(ai=await choose(session, settings, user_id, "ai"),
                      stt=await choose(session, settings, user_id, "stt"),
                      keys=await secrets.providers_with_keys(session, user_id),
                      offline_stt=LocalProvider.from_settings(settings).stt_available)


async def pick_provider(session: AsyncSession, settings: Settings, user: User, purpose: str, provider: str
                        ) -> AISettings:
    """The user's explicit choice for chat AI or speech-to-text; what serves them now (a cloud provider without a
    key is chosen, but offline serves until a key is added)."""
    if provider not in PROVIDERS or purpose not in PURPOSES:
        raise DomainError("ERR_AI_PROVIDER_UNKNOWN", f"no provider {provider!r} for {purpose!r}")
    if purpose == "ai":
        user.ai_provider = provider
    else:
        user.stt_provider = provider
    await session.flush()
    return await current(session, settings, user.id)


async def forget_keys(session: AsyncSession, user_id: int) -> None:
    for provider in await secrets.providers_with_keys(session, user_id):
        await secrets.delete_api_key(session, user_id, provider)


async def save_key(session: AsyncSession, settings: Settings, user_id: int, provider: str, value: str) -> None:
    """Store the user's own key, encrypted (raises ERR_SECRET_INVALID for a value that cannot be a key)."""
    await secrets.set_api_key(session, SecretBox.from_settings(settings), user_id, provider, value)


async def delete_key(session: AsyncSession, user_id: int, provider: str) -> bool:
    return provider in secrets.KEY_NAMES and await secrets.delete_api_key(session, user_id, provider)
