"""`secretary run` as a newcomer meets it: URLs printed once it listens, a start without warnings, `/` leads to the
sandbox chat, /admin/stats works with the token it printed, and Ctrl-C stops it within 2 s, cleanly, losing nothing."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.sandbox import SandboxClient, free_port

READY = "Ctrl-C stops it."


class RunningSecretary:
    """`secretary run` in a subprocess on a free port, its output (stdout and stderr) read line by line."""

    def __init__(self, data_dir: Path, database_url: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "ADMIN_", "SANDBOX"))}
        env.update(DATA_DIR=str(data_dir), REDIS_URL="", LOG_LEVEL="INFO", ENVIRONMENT="development",
                   DATABASE_URL=database_url if database_url.startswith("postgresql") else "")  # else a new SQLite
        self.process = subprocess.Popen([sys.executable, "-m", "secretary.cli", "run", "--port", str(self.port)],
                                        env=env, cwd=data_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    async def ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(READY in line for line in self.lines):
            assert self.process.poll() is None, f"secretary run ended:\n{self.output}"
            assert time.monotonic() < deadline, f"not ready after {timeout} s:\n{self.output}"
            await asyncio.sleep(0.02)

    def interrupt(self) -> tuple[int, float]:
        """Ctrl-C; the exit code and how long it took to exit."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=30)
        took = time.monotonic() - started
        self._reader.join(timeout=5)
        return code, took

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def start(tmp_path: Path, database_url: str, engine: AsyncEngine) -> Iterator[type[RunningSecretary]]:
    """Starts `secretary run` on this test's database (a new SQLite file in DATA_DIR, or the PostgreSQL test
    database, wiped afterwards by `engine`)."""
    started: list[RunningSecretary] = []

    def make() -> RunningSecretary:
        run = RunningSecretary(tmp_path, database_url)
        started.append(run)
        return run

    yield make  # type: ignore[misc]
    for run in started:
        run.kill()


def warnings_in(lines: list[str]) -> list[str]:
    return [line for line in lines if re.search(r"warn|error|traceback", line, re.IGNORECASE)]


class TestStart:
    async def test_urls_are_printed_once_it_listens_and_nothing_warns(self, start: type[RunningSecretary]) -> None:
        run = start()
        await run.ready()
        printed = len(run.lines)
        async with httpx.AsyncClient(base_url=run.base, timeout=10) as http:
            assert (await http.get("/health")).status_code == 200  # at once: no "connection refused" after the URLs
            index = await http.get("/")
            assert index.status_code == 307 and index.headers["location"] == "/sandbox/"
            assert (await http.get("/sandbox/")).status_code == 200
        assert f"sandbox chat: {run.base}/sandbox/" in run.output
        assert warnings_in(run.lines[:printed]) == []

    async def test_a_conversation_and_the_api_log_no_warning(self, start: type[RunningSecretary]) -> None:
        run = start()
        await run.ready()
        sandbox = SandboxClient(run.base)
        try:
            await sandbox.say(4101, "/token", language_code="en")
            reply = await sandbox.wait_for_text(4101, "Your API token")
            static = reply["text"].splitlines()[1].strip()
            await sandbox.say(4101, "buy milk tomorrow", language_code="en")
            await sandbox.wait_for(4101, lambda ms: len(ms) >= 2)
        finally:
            await sandbox.close()
        async with httpx.AsyncClient(base_url=run.base, timeout=10) as http:
            pair = (await http.post("/auth/exchange", json={"static_token": static})).json()
            me = await http.get("/api/v1/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
            assert me.status_code == 200
        await asyncio.sleep(0.3)
        assert warnings_in(run.lines) == []  # no startup_call_failed, no InsecureKeyLengthWarning

    async def test_admin_stats_work_with_the_printed_token(self, start: type[RunningSecretary],
                                                           tmp_path: Path) -> None:
        run = start()
        await run.ready()
        found = re.search(r"admin stats:\s+(\S+)\s+\(Authorization: Bearer (\S+)\)", run.output)
        assert found, run.output
        url, token = found.groups()
        assert token == (tmp_path / "admin.token").read_text().strip()
        async with httpx.AsyncClient(timeout=10) as http:
            assert (await http.get(url)).status_code == 401
            stats = await http.get(url, headers={"Authorization": f"Bearer {token}"})
            assert stats.status_code == 200 and "inbox" in stats.json()
        run.interrupt()
        again = start()  # the same token on the next start
        await again.ready()
        assert f"Bearer {token})" in again.output


class TestStop:
    async def test_ctrl_c_stops_within_two_seconds_and_cleanly(self, start: type[RunningSecretary]) -> None:
        run = start()
        await run.ready()
        await asyncio.sleep(1.5)  # the bot's long poll is waiting in the sandbox
        code, took = run.interrupt()
        assert took < 2.0, run.output
        assert code == 0, run.output
        assert warnings_in(run.lines) == []
        assert "Application shutdown complete" in run.output

    async def test_a_note_sent_as_it_stops_is_answered_after_the_restart(self, start: type[RunningSecretary]) -> None:
        run = start()
        await run.ready()
        sandbox = SandboxClient(run.base)
        await sandbox.say(4102, "call the plumber", language_code="en")
        await sandbox.close()
        code, took = run.interrupt()
        assert code == 0 and took < 2.0, run.output
        again = start()
        await again.ready()
        sandbox = SandboxClient(again.base)
        try:
            replies = await sandbox.wait_for(4102, lambda ms: any("plumber" in (m.get("text") or "") for m in ms))
        finally:
            await sandbox.close()
        assert sum("plumber" in (m.get("text") or "") for m in replies) == 1
