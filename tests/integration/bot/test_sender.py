"""The outbox sender against the sandbox: committed chats are handed over without waiting for a scan, a chat's
messages go in order, and a message committed while its chat is busy is not left behind."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.telegram.client import build_bot
from bot.telegram.sender import OutboxSender
from core.db.engine import SessionFactory
from core.runtime import Runtime
from core.telegram.limiter import Limits, MemoryRateLimiter
from core.telegram.models import OutboxMessage, OutboxStatus
from core.telegram.outbox import WAKE_KEY, Outbox
from tests.support.bot import bot_settings
from tests.support.sandbox import SandboxClient


async def _commit(sf: SessionFactory, sender: OutboxSender, key: str, chat_id: int, *texts: str) -> None:
    """A unit of work that writes messages, then tells the sender which chats got one (as the runtime does)."""
    async with sf() as session:
        outbox = Outbox(session, key)
        for text in texts:
            await outbox.send_message(chat_id, text, parse_mode=None)
        chats = session.info.pop(WAKE_KEY)
        await session.commit()
    sender.notify(chats)


async def _sent(sf: SessionFactory) -> int:
    async with sf() as session:
        return int(await session.scalar(
            select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT)) or 0)


async def test_told_chats_are_sent_at_once_and_in_order(runtime: Runtime, sandbox_url: str,
                                                        sandbox: SandboxClient) -> None:
    settings = bot_settings(runtime.settings, sandbox_url)
    bot = build_bot(settings)
    # a scan every 60 s: anything delivered within the test was handed over by notify()
    sender = OutboxSender(bot, runtime.session_factory, MemoryRateLimiter(Limits(1000, 1000, 1000, 1000)),
                          poll_interval=60)
    loop_task = asyncio.create_task(sender.run())
    try:
        await asyncio.sleep(0.2)  # the run loop's first scan and recovery are done
        sf = runtime.session_factory
        await _commit(sf, sender, "a", 9201, "one", "two", "three")
        await asyncio.sleep(0)
        # while chat 9201 is being drained, more for it and for another chat
        await _commit(sf, sender, "b", 9201, "four")
        await _commit(sf, sender, "c", 9202, "other chat")
        msgs = await sandbox.wait_for(9201, lambda ms: len(ms) >= 4, timeout=10)
        assert [m["text"] for m in msgs] == ["one", "two", "three", "four"]
        assert [m["text"] for m in await sandbox.wait_for(9202, lambda ms: len(ms) >= 1, timeout=10)] == [
            "other chat"]
        for _ in range(50):  # the outcomes are written right after the deliveries
            if await _sent(sf) == 5:
                break
            await asyncio.sleep(0.05)
        assert await _sent(sf) == 5
    finally:
        await sender.stop()
        loop_task.cancel()
        await asyncio.gather(loop_task, return_exceptions=True)
        await bot.session.close()
