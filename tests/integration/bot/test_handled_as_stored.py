"""A lone update is handled in the transaction that stores it (``InboxConsumer.handle_now``, called by the poller for a
batch of one): one transaction from getUpdates to the reply, and still nothing lost, nothing handled twice, a chat's
updates in order."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from core.db.base import utcnow
from core.items.models import Item
from core.queue import inbox
from core.queue.ingest import inbox_row
from core.queue.models import InboxUpdate, QueueStatus
from core.runtime import Runtime
from core.telegram.models import OutboxMessage
from secretary.bot import BotServices
from tests.support.bot import bot_settings
from tests.support.sandbox import SandboxClient
from tests.support.sql import recorded_statements


def _update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": int(time.time()), "text": text,
                                                "chat": {"id": chat_id, "type": "private"}, "from": user}}


@pytest.fixture
async def services(runtime: Runtime, sandbox_url: str) -> AsyncIterator[BotServices]:
    runtime.settings = bot_settings(runtime.settings, sandbox_url)
    services = BotServices(runtime, ingress=False)  # this test is the poller
    await services.start()
    try:
        yield services
    finally:
        await services.stop()


async def _rows(runtime: Runtime, chat_id: int) -> list[InboxUpdate]:
    async with runtime.session_factory() as s:
        return list((await s.scalars(select(InboxUpdate).where(InboxUpdate.chat_id == chat_id)
                                     .order_by(InboxUpdate.id))).all())


async def _count(runtime: Runtime, model: Any, **where: Any) -> int:
    async with runtime.session_factory() as s:
        return int(await s.scalar(select(func.count()).select_from(model).filter_by(**where)) or 0)


async def test_stored_done_by_its_one_insert(services: BotServices, runtime: Runtime, sandbox: SandboxClient) -> None:
    touching_inbox = ("INSERT INTO inbox_updates", "UPDATE inbox_updates SET processed_at")
    with recorded_statements(runtime.engine, lambda sql: sql.lstrip().startswith(touching_inbox)) as seen:
        assert await services.consumer.handle_now(_update(1, 9301, "an idea for the garden"))
    assert (await sandbox.wait_for_text(9301, "#1"))["text"] == "Saved as note #1."
    [row] = await _rows(runtime, 9301)
    assert (row.status, row.attempts, row.lease_token) == (QueueStatus.DONE, 1, None)
    assert row.processed_at is not None and row.created_at <= row.processed_at
    assert [sql.split()[0] for sql in seen] == ["INSERT"]  # no store of its own before, no completion UPDATE after


async def test_a_repeated_delivery_is_not_handled_again(services: BotServices, runtime: Runtime,
                                                        sandbox: SandboxClient) -> None:
    assert await services.consumer.handle_now(_update(2, 9302, "call the plumber"))
    await sandbox.wait_for_text(9302, "#1")
    # Telegram delivers it again (a crash between the commit and the next getUpdates): whatever the handling runs
    # into — here the message's link to its item, unique — it is rolled back; the update stays stored once, DONE
    await services.consumer.handle_now(_update(2, 9302, "call the plumber"))
    await asyncio.sleep(0.2)
    assert await _count(runtime, Item, user_id=9302) == 1
    assert len(await sandbox.bot_messages(9302)) == 1
    [row] = await _rows(runtime, 9302)
    assert (row.status, row.attempts, row.last_error) == (QueueStatus.DONE, 1, None)


async def test_an_open_update_of_its_chat_goes_first(services: BotServices, runtime: Runtime) -> None:
    async with runtime.unit_of_work() as session:  # an earlier update of the chat, failed, its retry an hour away
        await inbox.enqueue_many(session, [inbox_row(_update(3, 9303, "the first"))])
        await session.execute(update(InboxUpdate).where(InboxUpdate.chat_id == 9303).values(
            status=QueueStatus.FAILED, available_at=utcnow() + timedelta(hours=1)))
    assert not await services.consumer.handle_now(_update(4, 9303, "the second"))
    # everything its handling did is rolled back: the caller stores it behind the first
    assert await _count(runtime, Item, user_id=9303) == 0
    assert await _count(runtime, OutboxMessage, chat_id=9303) == 0
    assert [r.update_id for r in await _rows(runtime, 9303)] == [3]


async def test_a_failed_first_attempt_is_rolled_back_and_counted(services: BotServices, runtime: Runtime,
                                                                 sandbox: SandboxClient,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.items import router

    calls = 0
    real = router.messages.from_text

    async def fails_once(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        outcome = await real(*args, **kwargs)  # the item is made, then the handler fails
        if calls == 1:
            raise RuntimeError("boom")
        return outcome

    monkeypatch.setattr(router.messages, "from_text", fails_once)
    assert await services.consumer.handle_now(_update(5, 9305, "water the plants"))
    [row] = await _rows(runtime, 9305)
    assert (row.attempts, row.last_error) == (1, "RuntimeError: boom")
    assert row.status in (QueueStatus.FAILED, QueueStatus.CLAIMED, QueueStatus.DONE)  # the retry may have begun
    # the consumer retries it after the backoff: answered once, one item (the first attempt left nothing)
    assert (await sandbox.wait_for_text(9305, "#1"))["text"] == "Saved as note #1."  # once
    for _ in range(50):
        [row] = await _rows(runtime, 9305)
        if row.status == QueueStatus.DONE:
            break
        await asyncio.sleep(0.05)
    assert (row.status, row.attempts) == (QueueStatus.DONE, 2)
    assert await _count(runtime, Item, user_id=9305) == 1
    assert len(await sandbox.bot_messages(9305)) == 1


async def test_not_taken_while_its_chat_is_in_flight(services: BotServices) -> None:
    consumer = services.consumer
    consumer._chats[-1] = 9306  # an update of the chat being handled by a consumer of this process
    try:
        assert not await consumer.handle_now(_update(6, 9306, "later"))
    finally:
        del consumer._chats[-1]


async def test_the_poller_hands_a_lone_update_over_so(bot_app: BotServices, runtime: Runtime,
                                                      sandbox: SandboxClient) -> None:
    completions = ("UPDATE inbox_updates SET processed_at",)
    with recorded_statements(runtime.engine, lambda sql: sql.lstrip().startswith(completions)) as seen:
        await sandbox.say(9307, "an idea for the porch", language_code="en")
        assert (await sandbox.wait_for_text(9307, "#1"))["text"] == "Saved as note #1."
    [row] = await _rows(runtime, 9307)
    assert (row.status, row.attempts) == (QueueStatus.DONE, 1)
    assert seen == []  # stored DONE: no consumer completed it


async def test_a_stop_does_not_cut_a_handling_short(runtime: Runtime) -> None:
    """Stopping abandons the poller's long poll by cancelling its task; a lone update it is handling goes on to its
    end (its commit and the hand-over of its reply: cut between the two, the reply would stay in doubt)."""
    from bot.ingress import Poller

    started, finished = asyncio.Event(), asyncio.Event()

    class Handling:
        async def handle_now(self, _update: dict[str, Any]) -> bool:
            started.set()
            await asyncio.sleep(0.2)  # its commit, say
            finished.set()
            return True

    class OneUpdate:
        polls = 0

        async def delete_webhook(self, **_: Any) -> bool:
            return True

        async def __call__(self, *_: Any, **__: Any) -> list[dict[str, Any]]:
            self.polls += 1
            if self.polls == 1:
                return [_update(7, 9307, "an idea")]
            await asyncio.sleep(3600)  # the next long poll
            return []

    poller = Poller(runtime, OneUpdate(), consumer=Handling())  # type: ignore[arg-type]
    task = asyncio.create_task(poller.run())
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()  # what BotServices.stop_ingress does
    await asyncio.gather(task, return_exceptions=True)
    await asyncio.wait_for(finished.wait(), 2)  # not cancelled with the poller
