"""One Settings object for the whole platform; every field is documented in .env.example."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import structlog
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "change-me"  # the default for every secret; replaced by a generated one (get_settings) or refused
DEFAULT_DATA_DIR = Path("data")
# values a key must never have where anyone but this machine can reach the web app
KNOWN_DEFAULT_SECRETS = frozenset({DEV_SECRET, "changeme", "change_me", "changethis", "secret", "password"})
# a secret left at DEV_SECRET is generated on the first start and kept in this file of DATA_DIR (mode 0600)
GENERATED_SECRET_FILES = {"jwt_signing_key": "jwt-signing.key", "master_encryption_key": "master-encryption.key"}
# secrets `secretary run` (embedded, on this machine only) makes up when they are empty, in the same way
EMBEDDED_SECRET_FILES = {"admin_token": "admin.token"}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SANDBOX_BOT_TOKEN = "123456:SANDBOX-TOKEN"  # the bot's token when none is set: the sandbox's own
SANDBOX_TOKEN_MARK = "SANDBOX"  # a token whose secret part starts with it is one made up for the sandbox

log = structlog.get_logger(__name__)


class Settings(BaseSettings):
    # hide_input_in_errors: a refused setting's message must not echo the other values, secrets among them
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True,
                                      hide_input_in_errors=True)

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
    # uploaded files (documents, journal photos): a folder under DATA_DIR, or an S3-compatible bucket
    storage_backend: Literal["local", "s3"] = "local"
    s3_bucket: str = ""
    s3_endpoint_url: str = ""  # MinIO or another S3-compatible server; empty: AWS S3
    s3_region: str = ""
    s3_access_key_id: str = ""  # empty: boto3's own chain (AWS_* variables, the instance's role)
    s3_secret_access_key: SecretStr = SecretStr("")
    s3_prefix: str = ""  # keys are S3_PREFIX/<app>/<key> (empty: <app>/<key>)

    # Web
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    public_url: str = ""
    admin_token: str = ""
    metrics_token: str = ""  # when set, GET /metrics wants `Authorization: Bearer <it>`
    run_migrations: bool = True  # `web`, `run` and `bot` migrate on start; compose runs a one-off `migrate` instead
    bot_metrics_port: int = 9101  # `secretary bot` serves its metrics here (on WEB_HOST); 0 = off
    worker_metrics_port: int = 9102  # `secretary worker` (all its pool processes) serves them here; 0 = off
    webapp_initdata_ttl: int = 86400
    webhook_max_body_bytes: int = 1024 * 1024  # a larger POST /telegram/webhook is refused (413) before it is read
    api_max_body_bytes: int = 256 * 1024  # the same for every other path of the web app (the Minis import aside)

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
    ingress_stuck_seconds: int = 600  # /health is not ok while an update waits this long for a consumer
    job_lease_seconds: int = 300
    job_max_attempts: int = 5
    # finished queue rows (DONE updates and jobs, SENT messages) and kept voice files are deleted after this many days
    retention_days: float = Field(default=30, gt=0)
    retention_dead_days: float = Field(default=90, gt=0)  # DEAD rows (and outbox rows in DOUBT) stay this long

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
    # Speech recognition as a service of its own (`secretary asr`): voice notes are sent there when ASR_URL is set
    asr_url: str = ""
    asr_token: str = ""  # set: `secretary asr` asks for `Authorization: Bearer <ASR_TOKEN>`, the worker sends it
    asr_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1)  # the largest audio file /transcribe takes (413 above)
    asr_timeout: float = 300.0  # seconds the worker waits for the remote service's answer

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

    # Documents (questions over the user's own PDFs; docs/user-guide.md, docs/api.md)
    openai_pro_model: str = "gpt-4o"  # the complex pipeline's answering model with OpenAI (Gemini: GEMINI_PRO_MODEL)
    documents_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1)  # the largest file /files/upload and the bot take
    documents_max_pages: int = Field(default=500, ge=1)
    documents_platform_key: bool = True  # a user without an own key may use the platform's OPENAI/GEMINI key
    documents_question_ttl: int = 3600  # seconds after a document's last use that a "…?" text in the bot asks it

    # Journal (the life log; docs/user-guide.md "Journal")
    journal_import_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1)  # the largest POST /entries/import body
    journal_photo_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1)  # the largest photo /ai/analyze takes
    # hosts (host or host:port) a link may point to although they are private or loopback: for a local test page
    # server only, empty (off) by default
    journal_fetch_allow: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment == "production" or self.serves_beyond_loopback:
            for name in GENERATED_SECRET_FILES:
                if getattr(self, name) in KNOWN_DEFAULT_SECRETS:
                    raise ValueError(f"{name.upper()} is a known default: set a real key, or leave it unset and "
                                     "start through `secretary` to have one generated in DATA_DIR")
        if self.environment == "production" and self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET must be set when WEBHOOK_URL is set")
        if self.storage_backend == "s3" and not self.s3_bucket:
            raise ValueError("STORAGE_BACKEND=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for MinIO or another "
                             "S3-compatible server)")
        return self

    @property
    def sandbox_enabled(self) -> bool:
        if self.sandbox is None:
            return not self.telegram_bot_token
        return self.sandbox

    @property
    def bot_token(self) -> str:
        """The token the bot uses; a fixed fake one when talking to the sandbox without a token."""
        return self.telegram_bot_token or SANDBOX_BOT_TOKEN

    @property
    def is_sandbox_token(self) -> bool:
        """The bot's token is the sandbox's own: none is set, or its secret part starts with SANDBOX (a token Telegram
        issued never does). Only then may the sandbox sign Mini App launch data with it: with a real token anyone
        could sign in to the web app as any user."""
        return self.bot_token.partition(":")[2].startswith(SANDBOX_TOKEN_MARK)

    @property
    def serves_beyond_loopback(self) -> bool:
        """The web app listens on an address other machines can reach (WEB_HOST not 127.0.0.1/localhost/::1)."""
        return self.web_host.strip("[]").lower() not in LOOPBACK_HOSTS

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


class _SecretSources(BaseSettings):
    """What deciding on generated secrets needs, read from the same environment and .env file as Settings."""

    model_config = Settings.model_config

    data_dir: Path = DEFAULT_DATA_DIR
    jwt_signing_key: str = DEV_SECRET
    master_encryption_key: str = DEV_SECRET
    master_encryption_key_version: int = 1
    master_encryption_previous_keys: str = ""


def stored_secret(data_dir: Path, name: str) -> str:
    """The random value of the secret ``name`` kept in DATA_DIR: made (mode 0600) on the first start, the same on
    every later one. Processes starting together on one data folder all end up with the first one written."""
    path = data_dir / {**GENERATED_SECRET_FILES, **EMBEDDED_SECRET_FILES}[name]
    if path.exists():
        return _read_secret(path)
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")
        f.flush()
        os.fsync(f.fileno())
    try:
        os.link(draft, path)  # complete, and never over a key another process wrote first
    except FileExistsError:
        return _read_secret(path)
    finally:
        draft.unlink()
    # the file, never the value; info, not a warning: a first start makes its keys, as it should
    log.info("config.secret_generated", setting=name.upper(), file=str(path))
    return value


def _read_secret(path: Path) -> str:
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ValueError(f"{path} is empty: restore it from a backup or delete it to generate a new key")
    return value


def load_settings(**values: Any) -> Settings:
    """Settings from the environment (and ``values``); a secret left at its default (DEV_SECRET) takes the value
    generated for it in DATA_DIR instead, so that no instance runs with a key anyone can look up."""
    wanted = {k: v for k, v in values.items() if k.startswith("_") or k in _SecretSources.model_fields}
    sources = _SecretSources(**wanted)
    generated: dict[str, Any] = {name: stored_secret(sources.data_dir, name) for name in GENERATED_SECRET_FILES
                                 if getattr(sources, name) == DEV_SECRET}
    if ("master_encryption_key" in generated and sources.master_encryption_key_version == 1
            and not sources.master_encryption_previous_keys):
        # Secrets an earlier start sealed with the old default (version 1) stay readable; new ones are sealed with
        # the generated key (version 2), and `secretary rotate-keys` moves the old ones over.
        generated.update(master_encryption_key_version=2, master_encryption_previous_keys=f"1:{DEV_SECRET}")
    return Settings(**{**values, **generated})


@lru_cache
def get_settings() -> Settings:
    return load_settings()


__all__ = ["DEV_SECRET", "Settings", "get_settings", "load_settings", "stored_secret", "Field"]
