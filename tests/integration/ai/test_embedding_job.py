"""The ``search.embed`` job: the changes a user makes within one window share one job, which waits until the window
has ended; run, it stores a vector for every text of theirs that lacks one, and records the provider's usage."""

from __future__ import annotations

import datetime as dt
import time
import types

import pytest
from sqlalchemy import select, update

from core.ai import index
from core.ai.models import AIUsage, SearchDoc
from core.db.base import utcnow
from core.db.engine import SessionFactory
from core.items.questions import capture
from core.queue.models import Job, QueueStatus
from core.queue.runner import run_job
from core.runtime import Runtime
from tests.support.users import add_user

USER = 6201
NOW = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
async def user(session_factory: SessionFactory) -> int:
    return await add_user(session_factory, USER)


@pytest.fixture
def early_in_a_window(monkeypatch: pytest.MonkeyPatch) -> float:
    """The clock of enqueue_embedding stands a tenth of a second into a window, for the whole test."""
    moment = (time.time() // index.EMBED_WINDOW) * index.EMBED_WINDOW + 0.1
    monkeypatch.setattr(index, "time", types.SimpleNamespace(time=lambda: moment))
    return moment


async def embed_jobs(session_factory: SessionFactory) -> list[Job]:
    async with session_factory() as s:
        return list(await s.scalars(select(Job).where(Job.kind == index.EMBED_JOB)))


class TestEmbeddingJob:
    async def test_a_burst_shares_one_job_that_waits_for_its_window_to_end(
            self, runtime: Runtime, user: int, early_in_a_window: float) -> None:
        for text in ("an idea about the garden", "a book for the trip", "the plumber's name is Anton"):
            async with runtime.unit_of_work() as s:
                await capture(s, user, "UTC", text, now=NOW, ttl=600)
        [job] = await embed_jobs(runtime.session_factory)
        waits = (job.available_at.replace(tzinfo=dt.UTC) - utcnow()).total_seconds()
        # the window ends 1.9 s after the clock above; the job waits one window more for late commits
        assert 1.9 + index.EMBED_WINDOW - 1.0 < waits <= 1.9 + index.EMBED_WINDOW
        assert await run_job(runtime, job.id) is None  # not due yet: nothing claimed

        async with runtime.session_factory() as s:  # the window is over
            await s.execute(update(Job).where(Job.id == job.id).values(available_at=utcnow()))
            await s.commit()
        assert await run_job(runtime, job.id) == QueueStatus.DONE.value
        async with runtime.session_factory() as s:
            docs = (await s.execute(select(SearchDoc.vector_model, SearchDoc.vector)
                                    .where(SearchDoc.user_id == user))).all()
            embedded = await s.scalar(select(AIUsage.calls).where(AIUsage.user_id == user,
                                                                  AIUsage.operation == "embed"))
        assert len(docs) == 3 and all(model and vector for model, vector in docs)
        assert embedded == 1  # one provider call for the three texts, recorded with the job

    async def test_a_change_in_the_next_window_gets_a_job_of_its_own(
            self, runtime: Runtime, user: int, monkeypatch: pytest.MonkeyPatch) -> None:
        clock = [time.time()]
        monkeypatch.setattr(index, "time", types.SimpleNamespace(time=lambda: clock[0]))
        async with runtime.unit_of_work() as s:
            await capture(s, user, "UTC", "an idea about the garden", now=NOW, ttl=600)
        clock[0] += index.EMBED_WINDOW
        async with runtime.unit_of_work() as s:
            await capture(s, user, "UTC", "a book for the trip", now=NOW, ttl=600)
        assert len(await embed_jobs(runtime.session_factory)) == 2
