"""Jobs kept for the end of a unit of work (core.queue.jobs.enqueue_at_commit): inserted together in one statement
just before the commit, idempotent on their keys, handed over after the commit like any other, lost with a rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.queue import jobs
from core.queue.models import Job, QueueStatus
from core.runtime import Runtime
from tests.support.sql import recorded_statements
from worker.inprocess import InProcessRunner


def _job_insert(statement: str) -> bool:
    return statement.lstrip().upper().startswith("INSERT INTO JOBS")


async def _jobs(runtime: Runtime, prefix: str) -> dict[str, tuple[str, int]]:
    async with runtime.read_only() as session:
        rows = await session.execute(select(Job.idempotency_key, Job.status, Job.attempts)
                                     .where(Job.idempotency_key.like(f"{prefix}%")))
        return {key: (status, attempts) for key, status, attempts in rows.all()}


async def test_the_jobs_of_a_unit_go_in_one_statement_before_its_commit(runtime: Runtime) -> None:
    runner = InProcessRunner(runtime)
    runner.attach()
    try:
        with recorded_statements(runtime.engine, _job_insert) as inserts:
            async with runtime.unit_of_work() as session:
                await jobs.enqueue_at_commit(session, "test.now", {"n": (1,)}, key="commit:now", user_id=7)
                await jobs.enqueue_at_commit(session, "test.later", {}, key="commit:later", delay=60)
                assert inserts == []  # nothing written yet: they go with the unit's last statements
        assert len(inserts) == 1
        assert await _jobs(runtime, "commit:") == {"commit:now": (QueueStatus.CLAIMED.value, 1),
                                                   "commit:later": (QueueStatus.NEW.value, 0)}
        # the one due now was handed to this process's runner, claimed, with its payload as stored; the later not
        assert runner.queue.qsize() == 1
        claim = runner.queue.get_nowait()
        assert isinstance(claim, jobs.JobClaim)
        assert (claim.kind, claim.payload, claim.user_id) == ("test.now", {"n": [1]}, 7)
    finally:
        runner.detach()


async def test_a_key_that_exists_is_skipped_and_nothing_is_handed_over_for_it(runtime: Runtime) -> None:
    async with runtime.unit_of_work() as session:
        await jobs.enqueue_job(session, "test.once", {}, key="commit:once")
    async with runtime.unit_of_work() as session:
        await jobs.enqueue_at_commit(session, "test.once", {}, key="commit:once")
        await jobs.enqueue_at_commit(session, "test.twice", {}, key="commit:twice")
        await jobs.insert_deferred(session)
        assert [job_id for job_id in session.info.get(jobs.PENDING_JOBS_KEY, [])] == [
            (await session.scalar(select(Job.id).where(Job.idempotency_key == "commit:twice")))]
    assert set(await _jobs(runtime, "commit:")) == {"commit:once", "commit:twice"}


async def test_outside_a_unit_of_work_the_job_is_inserted_at_once(runtime: Runtime) -> None:
    async with runtime.session_factory() as session:
        await jobs.enqueue_at_commit(session, "test.plain", {}, key="commit:plain")
        assert await session.scalar(select(Job.id).where(Job.idempotency_key == "commit:plain")) is not None
        await session.commit()


async def test_a_rolled_back_unit_inserts_no_job(runtime: Runtime) -> None:
    with pytest.raises(RuntimeError):
        async with runtime.unit_of_work() as session:
            await jobs.enqueue_at_commit(session, "test.lost", {}, key="commit:lost")
            raise RuntimeError("the handler failed")
    assert await _jobs(runtime, "commit:lost") == {}
