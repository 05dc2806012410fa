"""Fault tests through the sandbox: a poison update, a 429 storm, the bot killed with SIGKILL mid-stream,
and polling when the database is down."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import func, select

from core.items.models import Item
from core.queue.ingest import ingest
from core.queue.models import InboxUpdate, QueueStatus
from core.runtime import Runtime
from core.telegram.models import OutboxMessage, OutboxStatus
from secretary.bot import BotServices
from tests.conftest import TEST_BOT_TOKEN
from tests.support.sandbox import SandboxClient, free_port


class TestPoisonUpdate:
    async def test_dead_after_the_limit_and_other_chats_unaffected(self, bot_app: BotServices,
                                                                   sandbox: SandboxClient) -> None:
        poison: dict[str, Any] = {"update_id": 999_001, "message": {
            "message_id": "not-a-number", "date": 1, "chat": {"id": 1001, "type": "private"},
            "from": {"id": 1001, "is_bot": False, "first_name": "P"}, "text": "boom"}}
        await ingest(bot_app.runtime, [poison])
        await sandbox.say(1002, "a healthy note", language_code="en")
        await sandbox.wait_for_text(1002, "Saved as note #1.")
        # the sender is unknown to us (the update could not be read), so the default language is used
        await sandbox.wait_for_text(1001, "не удалось обработать ваше сообщение", timeout=20)
        async with bot_app.runtime.session_factory() as s:
            row = await s.scalar(select(InboxUpdate).where(InboxUpdate.update_id == 999_001))
        assert row is not None and row.status == QueueStatus.DEAD and row.attempts == 3
        assert "ValidationError" in (row.last_error or "")


class TestRateLimitStorm:
    async def test_429_delays_but_loses_nothing(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.config(fail_next=6, retry_after=1)
        chats = list(range(1100, 1106))
        for chat_id in chats:
            await sandbox.say(chat_id, f"note in {chat_id}", language_code="en")
        for chat_id in chats:
            msgs = await sandbox.wait_for(chat_id, lambda ms: len(ms) >= 1, timeout=20)
            assert [m["text"] for m in msgs] == ["Saved as note #1."]
        stats = (await sandbox.http.get("/stats")).json()
        assert stats["too_many_requests"] == 6


def _start_bot(database_url: str, sandbox_url: str, data_dir: str, metrics_port: int = 0) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url, "TELEGRAM_API_BASE": sandbox_url,
           "TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN, "QUEUE_LEASE_SECONDS": "2", "OUTBOX_CHAT_RATE": "100",
           "OUTBOX_CHAT_BURST": "100", "OUTBOX_GLOBAL_RATE": "1000", "DATA_DIR": data_dir, "LOG_LEVEL": "WARNING",
           "REDIS_URL": "", "WEBHOOK_URL": "", "BOT_METRICS_PORT": str(metrics_port)}
    return subprocess.Popen([sys.executable, "-m", "secretary.cli", "bot"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _in_doubt(runtime: Runtime, chat_id: int) -> set[str]:
    async with runtime.session_factory() as s:
        rows = await s.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id,
                                                          OutboxMessage.status == OutboxStatus.DOUBT))
        return {row.payload["text"] for row in rows}


class TestSigkill:
    async def test_nothing_lost_nothing_replied_twice(self, runtime: Runtime, database_url: str, sandbox_url: str,
                                                      sandbox: SandboxClient, tmp_path: Any) -> None:
        chats = [1201, 1202, 1203, 1204]
        per_chat = 12
        bot = _start_bot(database_url, sandbox_url, str(tmp_path))
        try:
            async def stream(chat_id: int) -> None:
                for i in range(per_chat):
                    await sandbox.say(chat_id, f"note {i} of {chat_id}", language_code="en")
                    await asyncio.sleep(0.03)

            streaming = asyncio.gather(*(stream(c) for c in chats))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # kill it once some replies went out, mid-stream
                replies = sum([len(await sandbox.bot_messages(c)) for c in chats])
                if replies >= 8:
                    break
                await asyncio.sleep(0.02)
            bot.send_signal(signal.SIGKILL)
            bot.wait(10)
            await streaming
            bot = _start_bot(database_url, sandbox_url, str(tmp_path))
            expected = {f"Saved as note #{n}." for n in range(1, per_chat + 1)}
            for chat_id in chats:
                async def settled(ms: list[dict[str, Any]], chat_id: int = chat_id) -> bool:
                    return len(ms) + len(await _in_doubt(runtime, chat_id)) >= per_chat

                deadline = time.monotonic() + 45
                while not await settled(await sandbox.bot_messages(chat_id)):
                    assert time.monotonic() < deadline, await sandbox.bot_messages(chat_id)
                    await asyncio.sleep(0.1)
            await asyncio.sleep(1.0)  # nothing late either
            for chat_id in chats:
                texts = Counter(m["text"] for m in await sandbox.bot_messages(chat_id))
                assert max(texts.values()) == 1, f"replied twice in chat {chat_id}: {texts}"
                doubt = await _in_doubt(runtime, chat_id)
                # every reply is delivered, or recorded as DOUBT when the process died with it on the wire
                # (usually delivered then too; a DOUBT row is never sent again, so no reply can be doubled)
                assert set(texts) | doubt == expected, (texts, doubt)
            async with runtime.session_factory() as s:
                assert await s.scalar(select(func.count()).select_from(Item)) == per_chat * len(chats)
        finally:
            bot.kill()
            bot.wait(10)


class TestProcessMetrics:
    async def test_the_bot_process_serves_its_own_metrics(self, runtime: Runtime, database_url: str,
                                                           sandbox_url: str, sandbox: SandboxClient,
                                                           tmp_path: Any) -> None:
        """What Prometheus (and the compose health check) reads from `secretary bot` on BOT_METRICS_PORT. (``runtime``
        wipes what the bot process wrote when the test ends.)"""
        port = free_port()
        bot = _start_bot(database_url, sandbox_url, str(tmp_path), metrics_port=port)
        try:
            await sandbox.say(1301, "a note for the metrics", language_code="en")
            await sandbox.wait_for_text(1301, "Saved as note #1.", timeout=30)
            # the sandbox holds the reply before the bot has read Telegram's answer and counted it: read until it has
            wanted = ('secretary_updates_finished_total{outcome="done"} 1.0',
                      'secretary_outbox_sent_total{method="sendMessage"}')
            deadline = time.monotonic() + 10
            async with httpx.AsyncClient() as http:
                while True:
                    text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
                    if all(w in text for w in wanted) or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(0.1)
            assert all(w in text for w in wanted), text[-2000:]
        finally:
            bot.terminate()
            bot.wait(15)
