"""`secretary sandbox` says where it keeps its state and takes --data-dir; the webhook switch is on by default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import sandbox.app
from secretary.cli import app


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(sandbox.app, "run_standalone", lambda port, **kwargs: seen.update(port=port, **kwargs))
    return seen


def test_help_says_the_state_goes_to_data_of_the_working_directory() -> None:
    result = CliRunner().invoke(app, ["sandbox", "--help"], env={"COLUMNS": "200"})

    assert result.exit_code == 0
    assert "./data of the working directory" in result.output
    assert "--data-dir" in result.output


def test_data_dir_chooses_the_folder_of_the_state_file(tmp_path: Path, started: dict[str, Any]) -> None:
    result = CliRunner().invoke(app, ["sandbox", "--port", "8099", "--data-dir", str(tmp_path / "state")])

    assert result.exit_code == 0, result.output
    assert started["state_file"] == tmp_path / "state" / "sandbox-8099.sqlite3"
    assert (tmp_path / "state").is_dir()
    assert started["local_webhooks"] is True


def test_without_data_dir_the_state_goes_to_the_data_dir_setting(tmp_path: Path, started: dict[str, Any],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "configured"))
    from core.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["sandbox", "--no-local-webhooks"])
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert started["state_file"] == tmp_path / "configured" / "sandbox-8081.sqlite3"
    assert started["local_webhooks"] is False


async def test_the_sandbox_secretary_run_mounts_accepts_local_webhooks(settings: Any) -> None:
    from secretary.web import build_sandbox

    app = build_sandbox(settings)
    try:
        assert app.state.sandbox.options.local_webhooks is True  # WEBHOOK_URL of `secretary run` is local
        assert app.state.sandbox.options.open_chats is False
    finally:
        await app.state.sandbox.aclose()
