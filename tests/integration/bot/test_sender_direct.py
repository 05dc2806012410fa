"""A message due now goes on the wire as its unit of work commits (core.telegram.outbox.DIRECT_KEY): inserted SENDING
under the sender's lease when the chat has a free rate-limit slot and nothing open before it, then handed to the
sender without a claim's transaction. Order, rollbacks and a process that dies in between keep their guarantees."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.telegram.client import build_bot
from bot.telegram.sender import OutboxSender
from core.db.base import utcnow
from core.runtime import Runtime
from core.telegram.limiter import Limits, MemoryRateLimiter
from core.telegram.models import OutboxMessage, OutboxStatus
from core.telegram.outbox import Claimed, Outbox
from tests.support.bot import bot_settings
from tests.support.sandbox import SandboxClient
from tests.support.sql import recorded_statements


def _is_claim(statement: str) -> bool:  # the sender store's claim: PENDING -> SENDING with attempts + 1
    return statement.lstrip().upper().startswith("UPDATE OUTBOX_MESSAGES") and "attempts +" in statement


def _is_due_check(statement: str) -> bool:  # the sender store's "has this chat another message due?"
    return statement.lstrip().upper().startswith("SELECT DISTINCT OUTBOX_MESSAGES.CHAT_ID")


@pytest.fixture
async def sender(runtime: Runtime, sandbox_url: str) -> AsyncIterator[OutboxSender]:
    bot = build_bot(bot_settings(runtime.settings, sandbox_url))
    # a scan every 0.1 s finds what is not handed over; the chat's own pace is one message a second
    sender = OutboxSender(bot, runtime.session_factory, MemoryRateLimiter(Limits(1000, 1, 1, 1000)),
                          poll_interval=0.1)
    runtime.outbox_direct = sender
    runtime.outbox_listeners.append(sender.notify)
    loop_task = asyncio.create_task(sender.run())
    await asyncio.sleep(0.05)  # its first scan and recovery are done
    try:
        yield sender
    finally:
        runtime.outbox_direct = None
        runtime.outbox_listeners.remove(sender.notify)
        await sender.stop()
        loop_task.cancel()
        await asyncio.gather(loop_task, return_exceptions=True)
        await bot.session.close()


async def _statuses(runtime: Runtime, chat_id: int) -> list[str]:
    async with runtime.read_only() as session:
        return list((await session.scalars(
            select(OutboxMessage.status).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id))).all())


async def test_the_first_message_of_a_unit_goes_without_a_claim_and_the_rest_follow_in_order(
        runtime: Runtime, sender: OutboxSender, sandbox: SandboxClient) -> None:
    with recorded_statements(runtime.engine, _is_claim) as claims:
        async with runtime.unit_of_work() as session:
            outbox = Outbox(session, "direct-a")
            await outbox.send_message(9301, "one", parse_mode=None)
            await outbox.send_message(9301, "two", parse_mode=None)
            # inside the unit: the first is SENDING under the sender's lease, the second waits its turn
            assert [row.status for row in (await session.execute(
                select(OutboxMessage.status).where(OutboxMessage.chat_id == 9301).order_by(OutboxMessage.id)))] == [
                OutboxStatus.SENDING, OutboxStatus.PENDING]
        msgs = await sandbox.wait_for(9301, lambda ms: len(ms) >= 2, timeout=10)
    assert [m["text"] for m in msgs] == ["one", "two"]
    assert len(claims) == 1  # only "two" was claimed; "one" went as its unit committed
    for _ in range(50):
        if await _statuses(runtime, 9301) == [OutboxStatus.SENT, OutboxStatus.SENT]:
            break
        await asyncio.sleep(0.05)
    assert await _statuses(runtime, 9301) == [OutboxStatus.SENT, OutboxStatus.SENT]


async def test_a_lone_reply_costs_no_question_for_a_next_one_and_a_second_is_not_left_behind(
        runtime: Runtime, sender: OutboxSender, sandbox: SandboxClient) -> None:
    sender.poll_interval = 60  # no scan within the test: what is sent was handed over or asked for
    await asyncio.sleep(0.15)  # the run loop is in its long wait
    with recorded_statements(runtime.engine, _is_due_check) as checks:
        async with runtime.unit_of_work() as session:
            await Outbox(session, "direct-f").send_message(9306, "alone", parse_mode=None)
        await sandbox.wait_for(9306, lambda ms: len(ms) >= 1, timeout=10)
        for _ in range(50):
            if await _statuses(runtime, 9306) == [OutboxStatus.SENT]:
                break
            await asyncio.sleep(0.02)
        assert checks == []  # nothing was open before it and no commit told of another
        async with runtime.unit_of_work() as session:  # two at once: the second is told of, and goes after
            outbox = Outbox(session, "direct-g")
            await outbox.send_message(9307, "first", parse_mode=None)
            await outbox.send_message(9307, "second", parse_mode=None)
        msgs = await sandbox.wait_for(9307, lambda ms: len(ms) >= 2, timeout=5)
    assert [m["text"] for m in msgs] == ["first", "second"]


async def test_a_chat_with_an_open_message_keeps_its_order(runtime: Runtime, sender: OutboxSender,
                                                           sandbox: SandboxClient) -> None:
    async with runtime.session_factory() as session:  # a message waiting for its retry, due in 0.5 s
        await Outbox(session, "retrying").call(9302, "sendMessage", {"chat_id": 9302, "text": "before"},
                                               delay_until=utcnow() + timedelta(seconds=0.5))
        await session.commit()
    async with runtime.unit_of_work() as session:
        await Outbox(session, "direct-b").send_message(9302, "after", parse_mode=None)
    assert await _statuses(runtime, 9302) == [OutboxStatus.PENDING, OutboxStatus.PENDING]
    msgs = await sandbox.wait_for(9302, lambda ms: len(ms) >= 2, timeout=10)
    assert [m["text"] for m in msgs] == ["before", "after"]


async def test_a_chat_without_a_free_slot_waits_for_it(runtime: Runtime, sender: OutboxSender,
                                                       sandbox: SandboxClient) -> None:
    for n, text in enumerate(("first", "second")):  # one message a second per chat (burst 1)
        async with runtime.unit_of_work() as session:
            await Outbox(session, f"direct-c{n}").send_message(9303, text, parse_mode=None)
        if n == 0:
            await sandbox.wait_for(9303, lambda ms: len(ms) >= 1, timeout=10)
    loop = asyncio.get_running_loop()
    started = loop.time()
    msgs = await sandbox.wait_for(9303, lambda ms: len(ms) >= 2, timeout=10)
    assert [m["text"] for m in msgs] == ["first", "second"]
    assert loop.time() - started >= 0.5  # the second was not sent before its chat's pace allowed


async def test_a_rolled_back_unit_sends_nothing(runtime: Runtime, sender: OutboxSender,
                                                sandbox: SandboxClient) -> None:
    with pytest.raises(RuntimeError):
        async with runtime.unit_of_work() as session:
            await Outbox(session, "direct-d").send_message(9304, "never", parse_mode=None)
            raise RuntimeError("the handler failed")
    await asyncio.sleep(0.3)
    assert await sandbox.messages(9304) == []
    assert await _statuses(runtime, 9304) == []


class _DiesAfterCommit:
    """A sender that takes the slot and is gone before the row reaches it (the process died)."""

    lease_seconds = 0

    async def take_slot(self, chat_id: int) -> bool:
        return True

    def deliver_claimed(self, rows: list[Claimed]) -> None:
        self.rows = rows


async def test_a_row_whose_process_died_before_the_wire_is_in_doubt_not_resent(runtime: Runtime) -> None:
    dead = _DiesAfterCommit()
    runtime.outbox_direct = dead
    try:
        async with runtime.unit_of_work() as session:
            await Outbox(session, "direct-e").send_message(9305, "lost in the crash", parse_mode=None)
    finally:
        runtime.outbox_direct = None
    assert [row.chat_id for row in dead.rows] == [9305]
    assert await _statuses(runtime, 9305) == [OutboxStatus.SENDING]
    # the next sender's recovery: the lease ran out, the row may have been on the wire: DOUBT, never sent twice
    bot_sender = OutboxSender(None, runtime.session_factory, MemoryRateLimiter(Limits()))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    assert await bot_sender.store.mark_in_doubt() == 1
    assert await _statuses(runtime, 9305) == [OutboxStatus.DOUBT]
