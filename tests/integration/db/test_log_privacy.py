"""What a user wrote never reaches a log line: not through a failed insert's SQL parameters or PostgreSQL's DETAIL,
not through pydantic's `input_value`, whether structlog or the standard library's logging prints the error."""

from __future__ import annotations

import logging

import pytest
from pydantic import BaseModel, StrictInt
from sqlalchemy import select

from core.logging import configure_logging
from core.queue import jobs
from core.queue.jobs import JobContext
from core.queue.models import Job, QueueStatus
from core.queue.runner import run_job
from core.runtime import Runtime

SECRET = "my-bank-pin-4417-PRIVATE"  # what a user wrote


class Order(BaseModel):
    qty: StrictInt


async def insert_twice(ctx: JobContext) -> None:
    """A failing insert: two rows with the same unique key, the user's text in the key and in the payload."""
    ctx.session.add_all([Job(kind="note", idempotency_key=SECRET, payload={"text": SECRET}) for _ in range(2)])
    await ctx.session.flush()


async def validate(ctx: JobContext) -> None:
    Order.model_validate({"qty": SECRET})


@pytest.fixture
def logged(capfd: pytest.CaptureFixture[str]) -> pytest.CaptureFixture[str]:
    """What the process writes to its standard error, where the logs go."""
    configure_logging("WARNING")  # the project's configuration, as the processes set it up
    capfd.readouterr()
    return capfd


async def _run(runtime: Runtime, kind: str) -> Job:
    async with runtime.unit_of_work() as s:
        job_id = await jobs.enqueue_job(s, kind, {}, key=f"privacy:{kind}", max_attempts=1)
    assert job_id is not None
    assert await run_job(runtime, job_id) == QueueStatus.DEAD
    async with runtime.read_only() as s:
        job = await s.scalar(select(Job).where(Job.id == job_id))
    assert job is not None
    return job


class TestLoggedErrors:
    async def test_a_failed_insert_logs_no_user_text(
        self, runtime: Runtime, logged: pytest.CaptureFixture[str],
    ) -> None:
        runtime.jobs.register("privacy.insert", insert_twice)

        job = await _run(runtime, "privacy.insert")

        out = logged.readouterr().err
        assert "job.failed" in out and "IntegrityError" in out  # the failure was logged, with its traceback
        assert SECRET not in out
        assert job.last_error is not None and job.last_error.startswith("IntegrityError")
        assert SECRET not in job.last_error

    async def test_a_validation_error_logs_no_user_text(
        self, runtime: Runtime, logged: pytest.CaptureFixture[str],
    ) -> None:
        runtime.jobs.register("privacy.validate", validate)

        job = await _run(runtime, "privacy.validate")

        out = logged.readouterr().err
        assert "job.failed" in out and "ValidationError" in out and "input_type=str" in out
        assert SECRET not in out
        assert job.last_error is not None and "qty" in job.last_error and SECRET not in job.last_error

    def test_the_standard_librarys_logging_hides_it_too(self, logged: pytest.CaptureFixture[str]) -> None:
        try:
            Order.model_validate({"qty": SECRET})
        except ValueError as exc:
            # loggers of libraries (uvicorn, aiogram, celery log like this); names no earlier test has configured,
            # so that the record reaches the project's root handler whatever ran before
            logging.getLogger("privacy.uvicorn.error").exception("Exception in ASGI application")
            logging.getLogger("privacy.aiogram.event").error("Cause exception while process update: %s", exc)

        out = logged.readouterr().err
        assert "Exception in ASGI application" in out and "Cause exception" in out and "ValidationError" in out
        assert SECRET not in out
