"""The ``search.embed`` job: the changes a user makes within one window share one job, which waits until the window
has ended; run, it stores a vector for every text of theirs that lacks one, and records the provider's usage.

A new note queues no such job: its filing job embeds it (``core.ai.jobs.EmbedAlong``) with the provider it calls
anyway, and hands what it could not embed to the embedding job."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
import types
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from core.ai import index
from core.ai.local_provider import LocalProvider
from core.ai.models import AIUsage, SearchDoc
from core.db.base import utcnow
from core.db.engine import SessionFactory
from core.items.questions import capture
from core.queue.models import Job, QueueStatus
from core.queue.runner import run_job
from core.runtime import Runtime
from core.topics import jobs as topics_jobs
from core.topics.models import NoteFiling
from core.topics.service import FILE_JOB
from tests.support.users import add_user

USER = 6201
NOW = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
# meetings, not notes: a note's filing embeds it (below); these queue the embedding job
EVENTS = ("meeting with Ivan tomorrow at 15:00", "dentist tomorrow at 9:00", "call the plumber tomorrow at 11:30")


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
        for text in EVENTS:
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
            await capture(s, user, "UTC", EVENTS[0], now=NOW, ttl=600)
        clock[0] += index.EMBED_WINDOW
        async with runtime.unit_of_work() as s:
            await capture(s, user, "UTC", EVENTS[1], now=NOW, ttl=600)
        assert len(await embed_jobs(runtime.session_factory)) == 2


async def jobs_of(session_factory: SessionFactory, kind: str) -> list[Job]:
    async with session_factory() as s:
        return list(await s.scalars(select(Job).where(Job.kind == kind).order_by(Job.id)))


async def vectors(session_factory: SessionFactory, user_id: int) -> list[str | None]:
    async with session_factory() as s:
        return list(await s.scalars(select(SearchDoc.vector_model).where(SearchDoc.user_id == user_id)
                                    .order_by(SearchDoc.id)))


async def embed_calls(session_factory: SessionFactory, user_id: int) -> int:
    async with session_factory() as s:
        return len(list(await s.scalars(select(AIUsage.id).where(AIUsage.user_id == user_id,
                                                                AIUsage.operation == "embed"))))


class TestTheFilingEmbedsTheNote:
    async def test_notes_queue_no_embedding_job_and_their_filing_embeds_them(
            self, runtime: Runtime, user: int) -> None:
        async with runtime.unit_of_work() as s:
            for text in ("an idea about the garden", "a book for the trip"):
                await capture(s, user, "UTC", text, now=NOW, ttl=600)
        assert await embed_jobs(runtime.session_factory) == []
        first, second = await jobs_of(runtime.session_factory, FILE_JOB)
        assert await vectors(runtime.session_factory, user) == [None, None]

        assert await run_job(runtime, first.id) == QueueStatus.DONE.value
        # the first filing embeds every due text of the user in one call, recorded with its own usage
        assert all(await vectors(runtime.session_factory, user))
        assert await embed_calls(runtime.session_factory, user) == 1
        assert await run_job(runtime, second.id) == QueueStatus.DONE.value
        assert await embed_calls(runtime.session_factory, user) == 1  # nothing was left to embed: no call
        assert await embed_jobs(runtime.session_factory) == []

    @pytest.mark.parametrize("calls_out", [False, True], ids=["offline", "remote"])
    async def test_the_write_lock_is_held_across_the_providers_calls_only_when_they_stay_here(
            self, runtime: Runtime, user: int, database_url: str, monkeypatch: pytest.MonkeyPatch,
            calls_out: bool) -> None:
        """The offline provider's filing is one transaction (read, classify, embed, store); a provider whose calls
        go over the network gets none held across them (SQLite: another writer could begin meanwhile)."""
        if not database_url.startswith("sqlite"):
            pytest.skip("SQLite's write lock, seen from another connection")
        database = make_url(database_url).database
        assert database is not None
        free_to_write: list[bool] = []
        real_embed = LocalProvider.embed

        async def embed(self: LocalProvider, texts: list[str]) -> list[Any]:
            other = sqlite3.connect(database, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                free_to_write.append(True)
            except sqlite3.OperationalError:
                free_to_write.append(False)
            finally:
                other.close()
            return await real_embed(self, texts)

        monkeypatch.setattr(LocalProvider, "embed", embed)
        monkeypatch.setattr(topics_jobs, "calls_out", lambda _choice: calls_out, raising=False)
        async with runtime.unit_of_work() as s:
            await capture(s, user, "UTC", "an idea about the garden", now=NOW, ttl=600)
        [filing] = await jobs_of(runtime.session_factory, FILE_JOB)
        assert await run_job(runtime, filing.id) == QueueStatus.DONE.value
        assert free_to_write == [calls_out]
        assert all(await vectors(runtime.session_factory, user))
        async with runtime.session_factory() as s:
            assert await s.scalar(select(NoteFiling.item_id).where(NoteFiling.user_id == user)) is not None

    async def test_a_failed_embedding_leaves_the_filing_done_and_queues_the_embedding_job(
            self, runtime: Runtime, user: int, monkeypatch: pytest.MonkeyPatch) -> None:
        async def unreachable(self: LocalProvider, texts: list[str]) -> list[Any]:
            raise RuntimeError("the embedding model is unreachable")

        async with runtime.unit_of_work() as s:
            await capture(s, user, "UTC", "an idea about the garden", now=NOW, ttl=600)
        [filing] = await jobs_of(runtime.session_factory, FILE_JOB)
        with monkeypatch.context() as patch:
            patch.setattr(LocalProvider, "embed", unreachable)
            assert await run_job(runtime, filing.id) == QueueStatus.DONE.value
        async with runtime.session_factory() as s:
            assert await s.scalar(select(NoteFiling.item_id).where(NoteFiling.user_id == user)) is not None
        assert await vectors(runtime.session_factory, user) == [None]

        [job] = await embed_jobs(runtime.session_factory)  # the embedding job retries it
        async with runtime.session_factory() as s:
            await s.execute(update(Job).where(Job.id == job.id).values(available_at=utcnow()))
            await s.commit()
        assert await run_job(runtime, job.id) == QueueStatus.DONE.value
        assert all(await vectors(runtime.session_factory, user))

    async def test_a_dead_filing_hands_the_embedding_to_the_embedding_job(
            self, runtime: Runtime, user: int, monkeypatch: pytest.MonkeyPatch) -> None:
        async def broken(*_: Any, **__: Any) -> Any:
            raise RuntimeError("the classifier broke")

        monkeypatch.setattr(topics_jobs, "file_note", broken)
        async with runtime.unit_of_work() as s:
            await capture(s, user, "UTC", "an idea about the garden", now=NOW, ttl=600)
        [filing] = await jobs_of(runtime.session_factory, FILE_JOB)
        async with runtime.session_factory() as s:
            await s.execute(update(Job).where(Job.id == filing.id).values(max_attempts=1))
            await s.commit()
        assert await run_job(runtime, filing.id) == QueueStatus.DEAD.value
        assert len(await embed_jobs(runtime.session_factory)) == 1
        assert await vectors(runtime.session_factory, user) == [None]
