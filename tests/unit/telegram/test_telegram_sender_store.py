"""The outbox sender's group-committed bookkeeping: claims in chat order, outcomes under the lease, batching."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

from sqlalchemy import select

from core.db.base import utcnow
from core.db.engine import SessionFactory
from core.telegram.models import OutboxMessage, OutboxStatus
from core.telegram.outbox import DEAD_REPORT_REF, REDACTED, SECRET_REF, WAKE_KEY, Outbox
from core.telegram.sender_store import SenderStore


async def _queue(sf: SessionFactory, chat_id: int, *texts: str, delay: float = 0.0) -> list[int]:
    async with sf() as s:
        outbox = Outbox(s, f"t:{chat_id}:{texts[0]}")
        ids = []
        for text in texts:
            if delay:
                row_id = await outbox.call(chat_id, "sendMessage", {"chat_id": chat_id, "text": text},
                                           delay_until=utcnow() + timedelta(seconds=delay))
            else:
                row_id = await outbox.send_message(chat_id, text)
            assert row_id is not None
            ids.append(row_id)
        await s.commit()
    return ids


async def _status(sf: SessionFactory, row_id: int) -> OutboxMessage:
    async with sf() as s:
        row = await s.get(OutboxMessage, row_id)
        assert row is not None
        return row


async def test_claims_the_oldest_message_of_each_chat_only(session_factory: SessionFactory) -> None:
    first, second = await _queue(session_factory, 10, "a", "b")
    (other,) = await _queue(session_factory, 20, "c")
    store = SenderStore(session_factory)
    rows = await asyncio.gather(store.claim_head(10), store.claim_head(20))
    assert [r.id if r else None for r in rows] == [first, other]
    assert all(r is not None and r.attempts == 1 and r.lease_token for r in rows)
    assert {(await _status(session_factory, r.id)).status for r in rows if r is not None} == {OutboxStatus.SENDING}
    # the chat's head is on the wire: its next message waits, even when asked for again
    assert await store.claim_head(10) is None
    assert (await _status(session_factory, second)).status == OutboxStatus.PENDING


async def test_concurrent_requests_share_one_transaction(session_factory: SessionFactory) -> None:
    chats = list(range(100, 140))
    for chat in chats:
        await _queue(session_factory, chat, "x", "y")
    store = SenderStore(session_factory)
    rows = await asyncio.gather(*(store.claim_head(chat) for chat in chats))
    assert all(row is not None for row in rows)
    assert store.transactions == 1
    dues = await asyncio.gather(*(store.finish(row, OutboxStatus.SENT, message_id=row.id)  # type: ignore[union-attr]
                                  for row in rows))
    assert dues == [True] * len(chats)  # every chat has "y" due next
    assert store.transactions == 2
    async with session_factory() as s:
        sent = (await s.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENT))).all()
    assert sorted(r.chat_id for r in sent) == chats
    assert all(r.sent_message_id == r.id and r.lease_token is None and r.sent_at is not None for r in sent)


async def test_the_next_message_is_claimable_after_the_outcome(session_factory: SessionFactory) -> None:
    first, second = await _queue(session_factory, 30, "a", "b")
    store = SenderStore(session_factory)
    row = await store.claim_head(30)
    assert row is not None and row.id == first
    assert await store.finish(row, OutboxStatus.SENT, message_id=7) is True
    nxt = await store.claim_head(30)
    assert nxt is not None and nxt.id == second
    assert await store.finish(nxt, OutboxStatus.DEAD, error="chat not found") is False
    dead = await _status(session_factory, second)
    assert dead.status == OutboxStatus.DEAD and dead.last_error == "chat not found"


async def test_an_outcome_without_the_lease_changes_nothing(session_factory: SessionFactory) -> None:
    (row_id,) = await _queue(session_factory, 40, "a")
    store = SenderStore(session_factory)
    row = await store.claim_head(40)
    assert row is not None
    stale = dataclasses.replace(row, lease_token="not-the-lease")
    await store.finish(stale, OutboxStatus.SENT, message_id=1)
    assert (await _status(session_factory, row_id)).status == OutboxStatus.SENDING


async def test_a_retry_waits_and_a_429_does_not_count_as_an_attempt(session_factory: SessionFactory) -> None:
    (row_id,) = await _queue(session_factory, 50, "a")
    store = SenderStore(session_factory)
    row = await store.claim_head(50)
    assert row is not None
    await store.retry(row, status=OutboxStatus.PENDING, error="429 retry after 3",
                      available_at=utcnow() + timedelta(seconds=3), count=False)
    again = await _status(session_factory, row_id)
    assert again.status == OutboxStatus.PENDING and again.attempts == 0 and again.lease_token is None
    assert await store.claim_head(50) is None  # not due for 3 s


async def test_a_message_not_yet_due_holds_back_the_later_ones(session_factory: SessionFactory) -> None:
    await _queue(session_factory, 60, "later", delay=60)
    await _queue(session_factory, 60, "now")
    store = SenderStore(session_factory)
    assert await store.claim_head(60) is None  # the chat's order is kept: "now" waits for "later"


async def test_a_failed_transaction_fails_its_waiters_and_the_store_goes_on(session_factory: SessionFactory) -> None:
    (row_id,) = await _queue(session_factory, 70, "a")

    def broken() -> object:
        raise ConnectionError("database unreachable")

    store = SenderStore(broken)  # type: ignore[arg-type]
    try:
        await store.claim_head(70)
    except ConnectionError:
        pass
    else:
        raise AssertionError("the claim should have failed")
    store.session_factory = session_factory
    row = await store.claim_head(70)
    assert row is not None and row.id == row_id


async def test_the_outbox_names_the_chats_with_a_message_due_now(session_factory: SessionFactory) -> None:
    async with session_factory() as s:
        outbox = Outbox(s, "wake")
        await outbox.send_message(1, "now")
        await outbox.call(2, "sendMessage", {"chat_id": 2, "text": "later"}, delay_until=utcnow() + timedelta(hours=1))
        assert s.info[WAKE_KEY] == {1}
        await s.rollback()


class TestLostReplies:
    """A reply refused for good: the store writes its user a note, unless the lost message was such a note."""

    async def _notes(self, sf: SessionFactory, chat_id: int) -> list[OutboxMessage]:
        async with sf() as s:
            return list((await s.scalars(select(OutboxMessage).where(
                OutboxMessage.chat_id == chat_id, OutboxMessage.ref == DEAD_REPORT_REF))).all())

    async def test_a_lost_reply_gets_a_note_that_is_due_next(self, session_factory: SessionFactory) -> None:
        await _queue(session_factory, 80, "lost")
        store = SenderStore(session_factory, default_language="en")
        row = await store.claim_head(80)
        assert row is not None
        assert await store.finish(row, OutboxStatus.DEAD, error="Bad Request", report=True) is True
        (note,) = await self._notes(session_factory, 80)
        assert note.status == OutboxStatus.PENDING and note.payload["text"].startswith("Sorry, one of my replies")

    async def test_a_lost_note_is_not_reported_again(self, session_factory: SessionFactory) -> None:
        async with session_factory() as s:
            await Outbox(s, "dead-report").send_message(81, "the note", parse_mode=None, ref=DEAD_REPORT_REF)
            await s.commit()
        store = SenderStore(session_factory, report_every=0.0)
        row = await store.claim_head(81)
        assert row is not None and row.ref == DEAD_REPORT_REF
        assert await store.finish(row, OutboxStatus.DEAD, error="Bad Request", report=True) is False
        assert [n.status for n in await self._notes(session_factory, 81)] == [OutboxStatus.DEAD]


class TestSecrets:
    async def test_a_secret_text_is_forgotten_once_sent(self, session_factory: SessionFactory) -> None:
        async with session_factory() as s:
            outbox = Outbox(s, "secret")
            secret_id = await outbox.send_message(90, "token st_abc", ref=SECRET_REF)
            plain_id = await outbox.send_message(90, "not a secret")
            await s.commit()
        store = SenderStore(session_factory)
        for _ in range(2):
            row = await store.claim_head(90)
            assert row is not None
            await store.finish(row, OutboxStatus.SENT, message_id=row.id)
        assert secret_id is not None and plain_id is not None
        assert (await _status(session_factory, secret_id)).payload == {"chat_id": 90, "text": REDACTED,
                                                                        "parse_mode": "HTML"}
        assert (await _status(session_factory, plain_id)).payload["text"] == "not a secret"
