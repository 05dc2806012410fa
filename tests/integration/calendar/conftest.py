"""The calendar against the local fake Google (real google-api-python-client), the web app and the real bot."""

from __future__ import annotations

from pathlib import Path

import pytest
from calendar_helpers import CALENDAR_ID, OWNER

from core.runtime import Runtime
from secretary.bot import BotServices
from tests.fakes.google_calendar import FakeGoogle, fake_google, write_service_account  # noqa: F401
from tests.integration.webapp.conftest import client, web_app  # noqa: F401


@pytest.fixture(scope="session")
def service_account_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # the token URI is rewritten per test (the fake's port changes); the RSA key is made once
    return write_service_account(tmp_path_factory.mktemp("google") / "sa.json", "http://127.0.0.1:1/token")


@pytest.fixture
def google_runtime(runtime: Runtime, fake_google: FakeGoogle, service_account_file: Path,  # noqa: F811
                   tmp_path: Path) -> Runtime:
    """The owner's items go to CALENDAR_ID through a service account; fast retries, short timeouts."""
    key_file = tmp_path / "sa.json"
    key_file.write_text(service_account_file.read_text().replace("http://127.0.0.1:1/token", fake_google.token_url))
    fake_google.hang_seconds = 1.0
    runtime.settings = runtime.settings.model_copy(update={
        "google_service_account_file": str(key_file), "google_calendar_id": CALENDAR_ID,
        "google_calendar_owner_id": OWNER, "google_api_base": fake_google.url, "google_oauth_token_url":
        fake_google.token_url, "calendar_timeout": 0.4, "calendar_retry_base": 0.01, "calendar_max_attempts": 5,
        "queue_backoff_base": 0.01, "queue_backoff_max": 0.05,
    })
    return runtime


@pytest.fixture
def oauth_runtime(runtime: Runtime, fake_google: FakeGoogle) -> Runtime:  # noqa: F811
    """Per-user Google OAuth against the fake: users connect their own account with /calendar."""
    runtime.settings = runtime.settings.model_copy(update={
        "google_oauth_client_id": "client-1.apps.googleusercontent.com", "google_oauth_client_secret": "s3cret",
        "google_oauth_auth_url": f"{fake_google.url}/o/oauth2/v2/auth", "google_oauth_token_url": fake_google.token_url,
        "google_api_base": fake_google.url, "calendar_timeout": 2.0, "calendar_retry_base": 0.01,
    })
    return runtime


@pytest.fixture
def oauth_bot(oauth_runtime: Runtime, bot_app: BotServices) -> BotServices:  # noqa: F811
    return bot_app
