"""Which provider and key a user gets: their own choice and key, else the platform default."""

from __future__ import annotations

import pytest
from ai_helpers import FAST, TASK
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import secrets
from core.ai.factory import choose, provider_for, stt_provider_for
from core.ai.gemini_provider import GeminiProvider
from core.ai.local_provider import LocalProvider
from core.ai.openai_provider import OpenAIProvider
from core.config import Settings
from core.crypto import SecretBox
from core.users.models import User
from tests.fakes.gemini_server import FakeGemini
from tests.fakes.openai_server import FakeOpenAI, Reply

PLATFORM_OPENAI = "sk-platform-openai-key-0001"
PLATFORM_GEMINI = "AIza-platform-gemini-key-0002"
USER_OPENAI = "sk-user-openai-key-0003"
USER_GEMINI = "AIza-user-gemini-key-0004"


async def _give_key(session: AsyncSession, settings: Settings, user: User, provider: str, key: str) -> None:
    await secrets.set_api_key(session, SecretBox.from_settings(settings), user.id, provider, key)


class TestChoice:
    async def test_platform_default_is_local(self, session: AsyncSession, settings: Settings) -> None:
        choice = await choose(session, settings, None)
        assert (choice.provider, choice.key_source) == ("local", "none")

    async def test_auto_picks_the_provider_whose_key_is_set(self, session: AsyncSession, settings: Settings) -> None:
        assert settings.stt_provider == "auto"
        settings.gemini_api_key = "gm-only-key"
        choice = await choose(session, settings, None, "stt")
        assert (choice.provider, choice.key_source) == ("gemini", "platform")
        settings.openai_api_key = PLATFORM_OPENAI
        assert (await choose(session, settings, None, "stt")).provider == "openai"

    async def test_platform_provider_with_its_key(self, session: AsyncSession, settings: Settings) -> None:
        settings.ai_provider, settings.openai_api_key = "openai", PLATFORM_OPENAI
        choice = await choose(session, settings, None)
        assert (choice.provider, choice.key_source, choice.api_key) == ("openai", "platform", PLATFORM_OPENAI)
        assert PLATFORM_OPENAI not in repr(choice)

    async def test_a_cloud_provider_without_any_key_falls_back_to_local(
        self, session: AsyncSession, settings: Settings
    ) -> None:
        settings.ai_provider, settings.gemini_api_key = "gemini", ""
        assert (await choose(session, settings, None)).provider == "local"

    async def test_a_users_own_key_is_used_even_without_an_explicit_choice(
        self, session: AsyncSession, settings: Settings, user: User
    ) -> None:
        await _give_key(session, settings, user, "gemini", USER_GEMINI)
        choice = await choose(session, settings, user.id)
        assert (choice.provider, choice.key_source, choice.api_key) == ("gemini", "user", USER_GEMINI)

    async def test_the_users_explicit_choice_wins_over_the_platform(
        self, session: AsyncSession, settings: Settings, user: User
    ) -> None:
        settings.ai_provider, settings.openai_api_key = "openai", PLATFORM_OPENAI
        settings.gemini_api_key = PLATFORM_GEMINI
        user.ai_provider = "gemini"
        choice = await choose(session, settings, user.id)
        assert (choice.provider, choice.key_source, choice.api_key) == ("gemini", "platform", PLATFORM_GEMINI)
        user.ai_provider = "local"
        await _give_key(session, settings, user, "openai", USER_OPENAI)
        assert (await choose(session, settings, user.id)).provider == "local"

    async def test_stt_is_chosen_separately(self, session: AsyncSession, settings: Settings, user: User) -> None:
        settings.gemini_api_key, settings.ai_provider = PLATFORM_GEMINI, "local"
        user.stt_provider = "gemini"
        assert (await choose(session, settings, user.id, "ai")).provider == "local"
        assert (await choose(session, settings, user.id, "stt")).provider == "gemini"

    async def test_a_key_sealed_with_another_master_key_is_ignored(
        self, session: AsyncSession, settings: Settings, user: User
    ) -> None:
        await secrets.set_api_key(session, SecretBox({1: "a master key since replaced"}), user.id, "openai",
                                  USER_OPENAI)
        assert (await choose(session, settings, user.id)).provider == "local"


class TestProviders:
    @pytest.mark.parametrize(("name", "cls"), [("local", LocalProvider), ("openai", OpenAIProvider),
                                               ("gemini", GeminiProvider)])
    async def test_provider_for_builds_the_chosen_provider(
        self, session: AsyncSession, settings: Settings, name: str, cls: type
    ) -> None:
        settings.ai_provider = name  # type: ignore[assignment]
        settings.openai_api_key, settings.gemini_api_key = PLATFORM_OPENAI, PLATFORM_GEMINI
        provider = await provider_for(session, settings, None)
        try:
            assert isinstance(provider, cls)
        finally:
            await provider.aclose()

    async def test_the_users_key_is_what_reaches_openai(
        self, session: AsyncSession, settings: Settings, user: User, fake_openai: FakeOpenAI
    ) -> None:
        settings.ai_provider, settings.openai_api_key = "openai", PLATFORM_OPENAI
        settings.openai_base_url = fake_openai.base_url
        await _give_key(session, settings, user, "openai", USER_OPENAI)
        fake_openai.enqueue(Reply.ok(TASK), Reply.ok(TASK))
        for user_id, key in ((user.id, USER_OPENAI), (None, PLATFORM_OPENAI)):
            provider = await provider_for(session, settings, user_id, retry=FAST)
            try:
                await provider.classify_note("x", language="ru")
            finally:
                await provider.aclose()
            assert fake_openai.requests[-1].headers["authorization"] == f"Bearer {key}"

    async def test_the_users_key_is_what_reaches_gemini_for_stt(
        self, session: AsyncSession, settings: Settings, user: User, fake_gemini: FakeGemini
    ) -> None:
        settings.gemini_base_url = fake_gemini.base_url
        user.stt_provider = "gemini"
        await _give_key(session, settings, user, "gemini", USER_GEMINI)
        fake_gemini.enqueue(Reply.ok({"text": "hello", "language": "en"}))
        provider = await stt_provider_for(session, settings, user.id, retry=FAST)
        try:
            assert (await provider.transcribe(b"OggS", mime_type="audio/ogg")).text == "hello"
        finally:
            await provider.aclose()
        assert fake_gemini.requests[0].headers["x-goog-api-key"] == USER_GEMINI
