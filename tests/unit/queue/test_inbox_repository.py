"""The inbox: idempotent enqueue, per-chat order, leases."""

from __future__ import annotations

from sqlalchemy import select

from core.db.engine import SessionFactory
from core.queue import inbox
from core.queue.models import InboxUpdate, QueueStatus


async def _put(sf: SessionFactory, chat_id: int, update_id: int) -> bool:
    async with sf() as s:
        new = await inbox.enqueue_update(s, chat_id=chat_id, user_id=chat_id, update_id=update_id,
                                         payload={"update_id": update_id})
        await s.commit()
        return new


class TestEnqueue:
    async def test_repeated_delivery_is_a_no_op(self, session_factory: SessionFactory) -> None:
        assert await _put(session_factory, 1, 10) is True
        assert await _put(session_factory, 1, 10) is False
        async with session_factory() as s:
            rows = (await s.scalars(select(InboxUpdate))).all()
        assert len(rows) == 1


class TestClaim:
    async def test_one_in_flight_per_chat_many_chats_in_parallel(self, session_factory: SessionFactory) -> None:
        for update_id in (1, 2, 3):
            await _put(session_factory, 100, update_id)
        await _put(session_factory, 200, 4)
        async with session_factory() as s:
            claims = await inbox.claim(s, lease_seconds=30, limit=10)
            await s.commit()
        assert sorted((c.chat_id, c.update_id) for c in claims) == [(100, 1), (200, 4)]
        async with session_factory() as s:
            assert await inbox.claim(s, lease_seconds=30, limit=10) == []
            await s.commit()
        first = next(c for c in claims if c.chat_id == 100)
        async with session_factory() as s:
            assert await inbox.complete(s, first)
            await s.commit()
        async with session_factory() as s:
            nxt = await inbox.claim(s, lease_seconds=30, limit=10)
            await s.commit()
        assert [(c.chat_id, c.update_id) for c in nxt] == [(100, 2)]

    async def test_late_consumer_cannot_complete_after_lease_lost(self, session_factory: SessionFactory) -> None:
        await _put(session_factory, 5, 1)
        async with session_factory() as s:
            (claim,) = await inbox.claim(s, lease_seconds=-1, limit=1)  # already expired
            await s.commit()
        async with session_factory() as s:
            assert await inbox.sweep_expired(s) == 1
            await s.commit()
        async with session_factory() as s:
            (again,) = await inbox.claim(s, lease_seconds=30, limit=1)
            await s.commit()
        async with session_factory() as s:
            assert await inbox.complete(s, claim) is False
            assert await inbox.complete(s, again) is True
            await s.commit()
            status = await s.scalar(select(InboxUpdate.status))
        assert status == QueueStatus.DONE

    async def test_failure_retries_then_dead(self, session_factory: SessionFactory) -> None:
        await _put(session_factory, 7, 1)
        statuses = []
        for _ in range(3):
            async with session_factory() as s:
                (claim,) = await inbox.claim(s, lease_seconds=30, limit=1)
                statuses.append(await inbox.fail(s, claim, "boom", max_attempts=3, retry_in=0))
                await s.commit()
        assert statuses == [QueueStatus.FAILED, QueueStatus.FAILED, QueueStatus.DEAD]
        async with session_factory() as s:
            assert await inbox.claim(s, lease_seconds=30, limit=1) == []
