"""A user's API keys: encrypted at rest, replaceable, deletable, and never in a log line.

Their key rotation is tested with every other secret in tests/integration/secrets/test_secrets_rotation.py.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest
import structlog
from ai_helpers import FAST, TIMEOUT
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import secrets
from core.ai.factory import provider_for
from core.ai.usage import DbUsageRecorder
from core.config import Settings
from core.crypto import SecretBox
from core.errors import DomainError
from core.users.models import User, UserSecret
from tests.fakes.openai_server import FakeOpenAI, Reply

USER_KEY = "sk-user-own-key-ZYXWVUTSRQ9876543210"


@pytest.fixture
def box(settings: Settings) -> SecretBox:
    return SecretBox.from_settings(settings)


class TestStorage:
    async def test_the_key_is_stored_encrypted_and_read_back(
        self, session: AsyncSession, box: SecretBox, user: User
    ) -> None:
        await secrets.set_api_key(session, box, user.id, "openai", f"  {USER_KEY}\n")
        row = await session.scalar(select(UserSecret).where(UserSecret.user_id == user.id))
        assert row is not None and row.name == "openai_api_key" and row.key_version == 1
        assert USER_KEY.encode() not in row.ciphertext
        assert await secrets.get_api_key(session, box, user.id, "openai") == USER_KEY
        assert await secrets.get_api_key(session, box, user.id, "gemini") is None
        assert await secrets.providers_with_keys(session, user.id) == ["openai"]

    async def test_setting_again_replaces_the_key(self, session: AsyncSession, box: SecretBox, user: User) -> None:
        await secrets.set_api_key(session, box, user.id, "gemini", "AIza-first-key-000")
        await secrets.set_api_key(session, box, user.id, "gemini", "AIza-second-key-111")
        rows = (await session.scalars(select(UserSecret).where(UserSecret.user_id == user.id))).all()
        assert len(rows) == 1
        assert await secrets.get_api_key(session, box, user.id, "gemini") == "AIza-second-key-111"

    async def test_delete(self, session: AsyncSession, box: SecretBox, user: User) -> None:
        await secrets.set_api_key(session, box, user.id, "openai", USER_KEY)
        assert await secrets.delete_api_key(session, user.id, "openai") is True
        assert await secrets.delete_api_key(session, user.id, "openai") is False
        assert await secrets.get_api_key(session, box, user.id, "openai") is None

    @pytest.mark.parametrize("value", ["", "   ", "two words", "x" * 513])
    async def test_invalid_keys_are_refused_without_quoting_them(
        self, session: AsyncSession, box: SecretBox, user: User, value: str
    ) -> None:
        with pytest.raises(DomainError) as caught:
            await secrets.set_api_key(session, box, user.id, "openai", value)
        assert caught.value.code == "ERR_SECRET_INVALID"
        assert value.strip() == "" or value not in caught.value.message

    async def test_unknown_provider(self, session: AsyncSession, box: SecretBox, user: User) -> None:
        with pytest.raises(DomainError) as caught:
            await secrets.set_api_key(session, box, user.id, "anthropic", USER_KEY)
        assert caught.value.code == "ERR_SECRET_UNKNOWN"


def _quiet_structlog_capture() -> tuple[list[dict[str, Any]], structlog.types.BindableLogger]:
    entries: list[dict[str, Any]] = []

    def capture(_logger: Any, method: str, event: Any) -> Any:
        entries.append(dict(event, level=method))
        raise structlog.DropEvent

    return entries, structlog.wrap_logger(None, processors=[capture], wrapper_class=structlog.BoundLogger)


class TestNeverLogged:
    async def test_setting_and_using_a_key_logs_nothing_that_contains_it(
        self, session: AsyncSession, settings: Settings, box: SecretBox, fake_openai: FakeOpenAI,
        caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # every structlog logger of the AI layer writes into `entries`, whatever the global configuration,
        # and the standard library (SQLAlchemy, the openai SDK, httpx) is captured at DEBUG
        entries, capturing = _quiet_structlog_capture()
        for name, module in list(sys.modules.items()):
            if name.startswith(("core.ai", "core.stt", "core.crypto")) and hasattr(module, "log"):
                monkeypatch.setattr(module, "log", capturing)
        caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # SQL and its parameters
        for name in ("core", "openai", "httpx", "httpcore", "httpx2", "httpcore2", "aiohttp"):
            caplog.set_level(logging.DEBUG, logger=name)  # (the last call sets the capture handler's level)
        settings.openai_base_url = fake_openai.base_url
        settings.ai_timeout = TIMEOUT
        user = User(id=4243, first_name="Eve", ai_provider="openai")  # the first SQL runs with logging on
        session.add(user)

        await secrets.set_api_key(session, box, user.id, "openai", USER_KEY)
        fake_openai.enqueue(Reply.error(401), Reply.ok({"kind": "task", "topic": "Tasks", "confidence": 1,
                                                        "tags": []}))
        provider = await provider_for(session, settings, user.id, DbUsageRecorder(session, user.id), retry=FAST)
        try:
            with pytest.raises(DomainError):
                await provider.classify_note("Buy milk", language="en")  # the key is rejected: an error path
            await provider.classify_note("Buy milk", language="en")
        finally:
            await provider.aclose()
        await secrets.delete_api_key(session, user.id, "openai")

        assert fake_openai.requests[0].headers["authorization"] == f"Bearer {USER_KEY}"  # it was really used
        assert {"ai.user_key_set", "ai.user_key_deleted"} <= {e["event"] for e in entries}  # logs were captured
        assert any("user_secrets" in r.getMessage() for r in caplog.records)  # SQL was captured too
        assert any(r.name.startswith("openai") for r in caplog.records)  # and the SDK's debug lines
        everything = repr(entries) + caplog.text + "".join(capsys.readouterr())
        assert USER_KEY not in everything
        assert USER_KEY[-12:] not in everything
