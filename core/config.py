"""One Settings object for the whole platform; every field is documented in .env.example."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "change-me"  # the default for every secret; refused outside development
DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"
    log_json: bool = False

    # Telegram
    telegram_bot_token: str = ""
    telegram_api_base: str = ""
    telegram_api_local: bool = False  # the server at TELEGRAM_API_BASE runs with --local (no 20 MB limit)
    telegram_group_id: int | None = None
    sandbox: bool | None = None  # None: on when no token is set
    webhook_url: str = ""
    webhook_secret: str = ""
    bot_username: str = "secretary_bot"

    # Storage
    database_url: str = ""
    database_pool_size: int = Field(default=20, ge=1)  # PostgreSQL connections kept open per process
    redis_url: str = ""
    data_dir: Path = DEFAULT_DATA_DIR

    # Web
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    public_url: str = ""
    admin_token: str = ""
    webapp_initdata_ttl: int = 86400

    # Auth & crypto
    jwt_signing_key: str = DEV_SECRET
    master_encryption_key: str = DEV_SECRET
    master_encryption_key_version: int = 1
    master_encryption_previous_keys: str = ""  # "1:old-key,2:older-key" for reading rotated secrets
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 30 * 86400

    # Queue
    queue_max_new: int = 10_000
    queue_max_total: int = 100_000
    queue_lease_seconds: int = 60
    queue_max_attempts: int = 5
    queue_backoff_base: float = 1.0
    queue_backoff_max: float = 300.0
    queue_consumers: int = 8
    queue_poll_interval: float = 0.05
    job_lease_seconds: int = 300
    job_max_attempts: int = 5

    # Outbox (Telegram limits)
    outbox_global_rate: float = 30.0
    outbox_global_burst: int = Field(default=3, ge=1)
    outbox_chat_rate: float = 1.0
    outbox_chat_burst: int = 3
    outbox_group_per_minute: int = 20
    outbox_max_attempts: int = 20

    # AI
    # auto: OpenAI when OPENAI_API_KEY is set, else Gemini when GEMINI_API_KEY is set, else local
    ai_provider: Literal["auto", "local", "openai", "gemini"] = "auto"
    stt_provider: Literal["auto", "local", "openai", "gemini"] = "auto"
    openai_api_key: str = ""
    openai_base_url: str = ""
    openai_model: str = "gpt-4o-mini"
    openai_stt_model: str = "whisper-1"
    openai_embedding_model: str = "text-embedding-3-small"
    gemini_api_key: str = ""
    gemini_base_url: str = ""
    gemini_flash_model: str = "gemini-2.5-flash"
    gemini_pro_model: str = "gemini-2.5-pro"
    gemini_embedding_model: str = "gemini-embedding-001"
    ai_timeout: float = 60.0
    ai_max_retries: int = 3
    whisper_model_path: str = ""

    # Secretary
    default_language: Literal["ru", "en"] = "ru"
    default_timezone: str = "Europe/Moscow"
    clarification_ttl: int = 3600
    calendar_max_attempts: int = 5
    reminder_default_minutes: int = 15
    google_service_account_file: str = ""
    google_calendar_id: str = ""
    google_oauth_client_id: str = ""
    google_oauth_client_secret: str = ""
    google_api_base: str = ""
    google_calendar_owner_id: int | None = None
    google_oauth_auth_url: str = "https://accounts.google.com/o/oauth2/v2/auth"
    google_oauth_token_url: str = "https://oauth2.googleapis.com/token"
    calendar_timeout: float = 20.0
    calendar_retry_base: float = 30.0
    topic_confirm_ttl: int = 600
    ask_stream_interval: float = 1.5  # seconds between two edits of a streamed /ask answer
    ask_context_items: int = 8  # the user's items given to the model as context for /ask

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment == "production":
            for name in ("jwt_signing_key", "master_encryption_key"):
                if getattr(self, name) == DEV_SECRET:
                    raise ValueError(f"{name.upper()} must be set outside development")
            if self.webhook_url and not self.webhook_secret:
                raise ValueError("WEBHOOK_SECRET must be set when WEBHOOK_URL is set")
        return self

    @property
    def sandbox_enabled(self) -> bool:
        if self.sandbox is None:
            return not self.telegram_bot_token
        return self.sandbox

    @property
    def bot_token(self) -> str:
        """The token the bot uses; a fixed fake one when talking to the sandbox without a token."""
        return self.telegram_bot_token or "123456:SANDBOX-TOKEN"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'secretary.db').as_posix()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def distributed(self) -> bool:
        return bool(self.redis_url)

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.web_host}:{self.web_port}"

    @property
    def effective_api_base(self) -> str:
        """Where the bot sends Bot API calls: the embedded sandbox, a given server, or Telegram."""
        if self.telegram_api_base:
            return self.telegram_api_base.rstrip("/")
        if self.sandbox_enabled:
            return f"http://127.0.0.1:{self.web_port}/sandbox"
        return "https://api.telegram.org"


@lru_cache
def get_settings() -> Settings:
    return Settings()


__all__ = ["DEV_SECRET", "Settings", "get_settings", "Field"]
