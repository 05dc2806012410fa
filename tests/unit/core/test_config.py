"""Settings: every field documented in .env.example, default secrets refused in production."""

from __future__ import annotations

import re
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.auth.tokens import AuthError, decode_access_token, make_access_token
from core.config import (
    DEV_SECRET,
    GENERATED_SECRET_FILES,
    KNOWN_DEFAULT_SECRETS,
    Settings,
    load_settings,
    stored_secret,
)
from core.crypto import SecretBox

ENV_EXAMPLE = Path(__file__).resolve().parents[3] / ".env.example"


class TestEnvExample:
    def test_every_setting_is_documented(self) -> None:
        documented = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.M))
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


COMPOSE = Path(__file__).resolve().parents[3] / "infra" / "docker-compose.yml"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("ENVIRONMENT", "WEB_HOST", "DATA_DIR", "JWT_SIGNING_KEY", "MASTER_ENCRYPTION_KEY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


class TestGeneratedSecrets:
    def test_a_key_left_at_its_default_is_generated_once_and_kept(self, clean_env: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
        first = load_settings(_env_file=None, data_dir=tmp_path)
        again = load_settings(_env_file=None, data_dir=tmp_path)  # the next start

        assert first.jwt_signing_key not in KNOWN_DEFAULT_SECRETS and len(first.jwt_signing_key) >= 40
        assert first.master_encryption_key not in KNOWN_DEFAULT_SECRETS
        assert first.jwt_signing_key != first.master_encryption_key
        assert (again.jwt_signing_key, again.master_encryption_key) == (first.jwt_signing_key,
                                                                        first.master_encryption_key)
        for name in GENERATED_SECRET_FILES.values():
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(GENERATED_SECRET_FILES.values())

    @pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # the forger's short key
    def test_a_token_signed_with_the_old_default_is_refused(self, clean_env: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
        settings = load_settings(_env_file=None, data_dir=tmp_path)
        forged = make_access_token(1, DEV_SECRET, ttl=60)
        with pytest.raises(AuthError):
            decode_access_token(forged, settings.jwt_signing_key)

    def test_the_environment_left_at_change_me_counts_as_unset(self, clean_env: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
        clean_env.setenv("DATA_DIR", str(tmp_path))
        clean_env.setenv("JWT_SIGNING_KEY", DEV_SECRET)
        clean_env.setenv("MASTER_ENCRYPTION_KEY", "a-real-master-key-kept-by-the-operator")
        settings = load_settings(_env_file=None)
        assert settings.jwt_signing_key == (tmp_path / GENERATED_SECRET_FILES["jwt_signing_key"]).read_text().strip()
        assert settings.master_encryption_key == "a-real-master-key-kept-by-the-operator"
        assert not (tmp_path / GENERATED_SECRET_FILES["master_encryption_key"]).exists()

    def test_production_on_a_public_address_starts_with_generated_keys(self, clean_env: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
        settings = load_settings(_env_file=None, data_dir=tmp_path, environment="production", web_host="0.0.0.0")
        assert settings.serves_beyond_loopback and settings.jwt_signing_key != DEV_SECRET

    def test_secrets_sealed_under_the_old_default_stay_readable(self, clean_env: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
        """An install that ran with the default master key keeps its users' keys: the generated key is version 2,
        the old default stays readable as version 1 until `secretary rotate-keys` has moved everything."""
        old_ciphertext, old_version = SecretBox({1: DEV_SECRET}).encrypt("sk-user-key", context="user:1:openai")
        box = SecretBox.from_settings(load_settings(_env_file=None, data_dir=tmp_path))
        assert box.decrypt(old_ciphertext, old_version, context="user:1:openai") == "sk-user-key"
        assert box.encrypt("new", context="c")[1] == 2

    def test_processes_starting_together_share_one_key(self, tmp_path: Path) -> None:
        with ThreadPoolExecutor(8) as pool:
            keys = set(pool.map(lambda _: stored_secret(tmp_path, "master_encryption_key"), range(16)))
        assert len(keys) == 1
        assert [p.name for p in tmp_path.iterdir()] == [GENERATED_SECRET_FILES["master_encryption_key"]]


class TestDefaultSecretsRefused:
    @pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "bot.example.org"])
    def test_on_an_address_others_reach_even_in_development(self, clean_env: pytest.MonkeyPatch, host: str) -> None:
        with pytest.raises(ValidationError, match="JWT_SIGNING_KEY"):
            Settings(_env_file=None, web_host=host)  # type: ignore[call-arg]
        with pytest.raises(ValidationError, match="MASTER_ENCRYPTION_KEY"):
            Settings(_env_file=None, web_host=host, jwt_signing_key="x" * 40)  # type: ignore[call-arg]
        with pytest.raises(ValidationError, match="JWT_SIGNING_KEY"):
            Settings(_env_file=None, web_host=host, jwt_signing_key="changeme",  # type: ignore[call-arg]
                     master_encryption_key="y" * 40)

    @pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
    def test_loopback_development_keeps_working_with_them(self, clean_env: pytest.MonkeyPatch, host: str) -> None:
        assert Settings(_env_file=None, web_host=host).jwt_signing_key == DEV_SECRET  # type: ignore[call-arg]

    def test_docker_compose_runs_in_production(self) -> None:
        shared = COMPOSE.read_text().split("\nservices:")[0]  # the x-app block every app service extends
        assert re.search(r"^    ENVIRONMENT: production$", shared, flags=re.M)
