"""Topic claims (one creator per class) and move requests, against the real database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai.service import FiledNote
from core.ai.types import Classification, RenderedNote
from core.queue.models import Job
from core.topics import service
from core.topics.models import NoteFiling
from core.topics.service import TopicError
from core.users.service import ensure_user

GROUP = -1009876543210
NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


class TestClaim:
    async def test_the_first_job_creates_the_others_wait(self, session: AsyncSession) -> None:
        first = await service.claim_topic(session, GROUP, "idea", "Ideas", now=NOW)
        second = await service.claim_topic(session, GROUP, "idea", "Ideas", now=NOW)
        assert first.claimed_id is not None and second.busy
        await service.topic_created(session, first, 77)
        third = await service.claim_topic(session, GROUP, "idea", "Ideas", now=NOW)
        assert third.thread_id == 77

    async def test_a_failed_creation_lets_the_next_job_try(self, session: AsyncSession) -> None:
        first = await service.claim_topic(session, GROUP, "task", "Tasks", now=NOW)
        await service.release_topic(session, first)
        again = await service.claim_topic(session, GROUP, "task", "Tasks", now=NOW)
        assert again.claimed_id is not None

    async def test_a_stale_claim_is_taken_over_once(self, session: AsyncSession) -> None:
        await service.claim_topic(session, GROUP, "link", "Links", now=NOW)
        later = NOW + service.CLAIM_STALE + dt.timedelta(seconds=1)
        taken = await service.claim_topic(session, GROUP, "link", "Links", now=later)
        assert taken.claimed_id is not None
        assert (await service.claim_topic(session, GROUP, "link", "Links", now=later)).busy

    async def test_groups_do_not_share_topics(self, session: AsyncSession) -> None:
        mine = await service.claim_topic(session, GROUP, "idea", "Ideas", now=NOW)
        other = await service.claim_topic(session, GROUP - 1, "idea", "Ideas", now=NOW)
        assert mine.claimed_id is not None and other.claimed_id is not None


async def posted_note(session: AsyncSession, user_id: int, *, expires_at: dt.datetime) -> NoteFiling:
    await ensure_user(session, user_id)
    filed = FiledNote(Classification(kind="idea", topic="Ideas", confidence=0.9),
                      RenderedNote(title="Idea", summary="", body_markdown="An idea"))
    filing = await service.record_filing(session, user_id=user_id, item_id=None, text="An idea", filed=filed)
    service.mark_posted(filing, group_id=GROUP, thread_id=5, outbox_ids=[1], chat_id=user_id, confirm_outbox_id=2,
                        expires_at=expires_at)
    await session.flush()
    return filing


class TestMoveRequest:
    async def test_a_valid_press_queues_the_move(self, session: AsyncSession) -> None:
        filing = await posted_note(session, 1701, expires_at=NOW + dt.timedelta(minutes=10))
        await service.request_move(session, 1701, filing.id, "task", now=NOW, press_key="q1", max_attempts=3)
        job = await session.scalar(select(Job).where(Job.kind == service.MOVE_JOB))
        assert job is not None and job.payload == {"filing_id": filing.id, "kind": "task"}

    @pytest.mark.parametrize(("user_id", "kind", "now", "code"), [
        (1702, "task", NOW + dt.timedelta(minutes=11), service.ERR_MOVE_EXPIRED),
        (1702, "idea", NOW, service.ERR_SAME_TOPIC),
        (1702, "nonsense", NOW, service.ERR_NOTE_GONE),
        (1703, "task", NOW, service.ERR_NOTE_GONE),  # somebody else's note
    ])
    async def test_refused_presses(self, session: AsyncSession, user_id: int, kind: str, now: dt.datetime,
                                   code: str) -> None:
        filing = await posted_note(session, 1702, expires_at=NOW + dt.timedelta(minutes=10))
        await ensure_user(session, user_id)
        with pytest.raises(TopicError) as caught:
            await service.request_move(session, user_id, filing.id, kind, now=now, press_key="q", max_attempts=3)
        assert caught.value.code == code
        assert await session.scalar(select(Job).where(Job.kind == service.MOVE_JOB)) is None
