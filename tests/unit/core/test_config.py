"""Settings: every field documented in .env.example, default secrets refused in production."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.config import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[3] / ".env.example"


class TestEnvExample:
    def test_every_setting_is_documented(self) -> None:
        documented = set(re.findall(r"^([A-Z_]+)=", ENV_EXAMPLE.read_text(), flags=re.M))
        fields = {name.upper() for name in Settings.model_fields}
        assert fields - documented == set()
        assert documented - fields == set()

    def test_env_example_loads_as_is(self) -> None:
        settings = Settings(_env_file=ENV_EXAMPLE)  # type: ignore[call-arg]
        assert settings.web_port == 8000
        assert settings.sandbox_enabled is True
        assert settings.is_sqlite


class TestSecrets:
    def test_production_refuses_default_secrets(self) -> None:
        with pytest.raises(ValidationError, match="JWT_SIGNING_KEY"):
            Settings(_env_file=None, environment="production")  # type: ignore[call-arg]

    def test_production_accepts_real_secrets(self) -> None:
        s = Settings(_env_file=None, environment="production", jwt_signing_key="x" * 40,  # type: ignore[call-arg]
                     master_encryption_key="y" * 40)
        assert s.environment == "production"

    def test_webhook_needs_a_secret_in_production(self) -> None:
        with pytest.raises(ValidationError, match="WEBHOOK_SECRET"):
            Settings(_env_file=None, environment="production", jwt_signing_key="x" * 40,  # type: ignore[call-arg]
                     master_encryption_key="y" * 40, webhook_url="https://example.org/telegram/webhook")


class TestModes:
    def test_sandbox_when_no_token(self) -> None:
        s = Settings(_env_file=None)  # type: ignore[call-arg]
        assert s.sandbox_enabled and s.effective_api_base == "http://127.0.0.1:8000/sandbox"

    def test_real_telegram_with_token(self) -> None:
        s = Settings(_env_file=None, telegram_bot_token="1:abc")  # type: ignore[call-arg]
        assert not s.sandbox_enabled and s.effective_api_base == "https://api.telegram.org"

    def test_api_base_override(self) -> None:
        s = Settings(_env_file=None, telegram_api_base="http://127.0.0.1:9000/")  # type: ignore[call-arg]
        assert s.effective_api_base == "http://127.0.0.1:9000"
