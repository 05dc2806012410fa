"""secretary-client end to end, as a user runs it: a subprocess against the real server (uvicorn in a thread on a
free port, its own runtime and in-process job runner, offline provider): login → me → settings → upload → chat new
→ attach → send (phases and tokens streamed) → history → logout; the token file is the user's only; an expired
access token is refreshed; exit codes 1 (refused), 2 (usage), 3 (not logged in)."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine

from core.auth import tokens
from core.config import Settings
from core.db.engine import make_engine
from core.documents import prompts
from core.documents.defaults import ROLE_PROMPTS
from core.documents.models import RolePrompt
from core.runtime import Runtime
from core.users.service import ensure_user
from secretary.runtime import build_runtime
from tests.support.documents import facts_pdf
from tests.support.sandbox import free_socket
from webapp.app import create_app
from worker.inprocess import InProcessRunner

ROOT = Path(__file__).resolve().parents[3]
USER_ID = 7001


async def _run_jobs(runtime: Runtime) -> object:
    runner = InProcessRunner(runtime, poll_interval=0.1)
    task = asyncio.create_task(runner.run())

    async def stop() -> None:
        await runner.stop(grace=5)
        await asyncio.gather(task, return_exceptions=True)

    return stop


@pytest.fixture
def server_url(settings: Settings, engine: AsyncEngine) -> Iterator[str]:
    """The real app on 127.0.0.1:<free port> with a job runner, in a thread with its own event loop (the `engine`
    fixture only empties the tables afterwards). Access tokens live 2 seconds, so that the client must refresh."""
    app_settings = settings.model_copy(update={"sandbox": False, "access_token_ttl": 2})
    app = create_app(app_settings, runtime_factory=build_runtime, run_migrations=False,
                     on_start=[_run_jobs])  # type: ignore[list-item]
    sock = free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(1000):
            if server.started or not thread.is_alive():
                break
            time.sleep(0.01)
        assert server.started, "the app did not start"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


async def _static_token(database_url: str) -> str:
    engine = make_engine(database_url, null_pool=True)
    try:
        async with engine.begin() as conn:
            from sqlalchemy.ext.asyncio import AsyncSession

            session = AsyncSession(bind=conn, expire_on_commit=False)
            await ensure_user(session, USER_ID, first_name="Anna", username=None, language_code="ru",
                              default_language="ru", default_timezone="UTC", default_reminder_minutes=15)
            for name, (description, content) in ROLE_PROMPTS.items():  # what migration 0010 seeds
                await prompts.add_version(session, RolePrompt, name, content, description, activate=True)
            token = await tokens.issue_static_token(session, USER_ID)
            await session.flush()
            return token
    finally:
        await engine.dispose()


@pytest.fixture
def static_token(database_url: str, server_url: str) -> str:
    return asyncio.run(_static_token(database_url))


class Client:
    def __init__(self, home: Path, server: str) -> None:
        self.home = home
        self.server = server

    def __call__(self, *args: str, server: bool = False, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "SECRETARY_CLIENT_HOME": str(self.home), "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
        env.pop("SECRETARY_SERVER", None)
        argv = [sys.executable, "-m", "client", *(["--server", self.server] if server else []), *args]
        return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, input=stdin)


@pytest.fixture
def cli(tmp_path: Path, server_url: str) -> Client:
    return Client(tmp_path / "client-home", server_url)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return result.stdout


class TestEndToEnd:
    def test_login_upload_attach_send_history_logout(self, cli: Client, static_token: str, tmp_path: Path) -> None:
        assert "Logged in" in ok(cli("login", "--token", static_token, server=True))
        session_file = cli.home / "session.json"
        assert stat.S_IMODE(session_file.stat().st_mode) == 0o600
        saved = json.loads(session_file.read_text())
        assert saved["server_url"] == cli.server and saved["refresh_token"].startswith("rt_")
        assert static_token not in session_file.read_text()  # the static token is never kept

        me = ok(cli("me"))
        assert f"user: {USER_ID} (Anna)" in me and "model profile: simple" in me and "role: none" in me
        assert "model profile: complex" in ok(cli("settings", "set-model", "complex"))
        assert "role: инженер по гарантии" in ok(cli("settings", "set-role", "Инженер по гарантии"))
        assert "role: инженер по гарантии" in ok(cli("me"))
        assert "role: none" in ok(cli("settings", "set-role", "none"))
        ok(cli("settings", "set-model", "simple"))

        pdf = tmp_path / "Устав.pdf"
        pdf.write_bytes(facts_pdf())
        uploaded = ok(cli("file", "upload", str(pdf)))
        assert "Устав.pdf — 5 pages, ready" in uploaded
        file_id = uploaded.split()[1].rstrip(":")
        assert "(in use)" in ok(cli("chat", "new", "Договор поставки"))
        assert "attached Устав.pdf" in ok(cli("chat", "attach", file_id))

        sent = cli("chat", "send", "Какой гарантийный срок на насосы?")
        assert sent.returncode == 0, sent.stderr
        assert "▸ searching the documents" in sent.stderr and "▸ answering (heuristic-v1)" in sent.stderr
        assert "24 месяца" in sent.stdout and "[1] Устав.pdf, p. 2" in sent.stdout

        history = ok(cli("chat", "history", "--tail", "2"))
        assert "you: Какой гарантийный срок на насосы?" in history and "[1] Устав.pdf, p. 2" in history

        time.sleep(2.5)  # the access token has expired: the next call refreshes it (rotating the refresh token)
        old_refresh = json.loads(session_file.read_text())["refresh_token"]
        assert "user: 7001" in ok(cli("me"))
        assert json.loads(session_file.read_text())["refresh_token"] != old_refresh

        assert "Logged out." in ok(cli("logout"))
        after = cli("me")
        assert after.returncode == 3 and "Not logged in" in after.stderr

    def test_exit_codes(self, cli: Client, static_token: str) -> None:
        not_logged_in = cli("chat", "new", "x", server=True)
        assert not_logged_in.returncode == 3
        bad_token = cli("login", "--token", "st_not-a-real-token", server=True)
        assert bad_token.returncode == 1 and "ERR_UNAUTHORIZED" in bad_token.stderr
        ok(cli("login", server=True, stdin=static_token + "\n"))  # asked for when --token is left out
        assert cli("settings", "set-model", "fast").returncode == 2  # not simple or complex: usage
        assert cli("chat", "send", "hi?").returncode == 2  # no chat in use yet
        missing = cli("chat", "use", "999999")
        assert missing.returncode == 1 and "ERR_CHAT_NOT_FOUND" in missing.stderr
        ok(cli("chat", "new", "empty"))
        no_files = cli("chat", "send", "Что там?")
        assert no_files.returncode == 1 and "ERR_CHAT_NO_FILES" in no_files.stderr
        wrong_role = cli("settings", "set-role", "astronaut")
        assert wrong_role.returncode == 1 and "ERR_ROLE_NOT_FOUND" in wrong_role.stderr
