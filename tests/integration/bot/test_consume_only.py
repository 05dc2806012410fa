"""`secretary bot --no-ingress`: a process that only consumes what another process (or the webhook) stored."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

from core.queue.ingest import ingest
from core.runtime import Runtime
from secretary.bot import BotServices
from tests.support.bot import bot_settings
from tests.support.sandbox import SandboxClient


def _update(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    return {"update_id": update_id, "message": {"message_id": 7, "date": int(time.time()), "text": text,
                                                "chat": {"id": chat_id, "type": "private"}, "from": user}}


async def test_it_answers_stored_updates_and_never_polls(runtime: Runtime, sandbox_url: str,
                                                         sandbox: SandboxClient) -> None:
    runtime.settings = bot_settings(runtime.settings, sandbox_url)
    services = BotServices(runtime, ingress=False)
    await services.start()
    try:
        await sandbox.say(9101, "this one waits in the sandbox: nobody polls for it")
        await ingest(runtime, [_update(1, 9102, "a note stored by another process")])
        reply = await sandbox.wait_for_text(9102, "#1")
        assert reply["text"] == "Saved as note #1."  # the English reply: the update was handled, not just seen
        await asyncio.sleep(0.3)
        assert services.poller is None
        assert await sandbox.bot_messages(9101) == []
    finally:
        await services.stop()


def test_it_is_refused_on_sqlite(tmp_path: object) -> None:
    r = subprocess.run([sys.executable, "-m", "secretary.cli", "bot", "--no-ingress"], capture_output=True, text=True,
                       timeout=60, env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite+aiosqlite:///:memory:",
                                        "HOME": str(tmp_path)}, cwd=str(tmp_path))
    assert r.returncode == 2, r.stderr
    assert "PostgreSQL" in r.stdout + r.stderr
