"""Run one job: claim it with a lease, run its handler in a unit of work, complete only if the lease holds.

The same code runs inside a Celery task (distributed) and in the in-process runner (embedded).
"""

from __future__ import annotations

import time

import structlog

from core.logging import describe_error
from core.metrics import JOB_DURATION, JOBS_FINISHED
from core.queue import jobs
from core.queue.backoff import backoff_seconds
from core.queue.models import QueueStatus
from core.runtime import Runtime

log = structlog.get_logger(__name__)


class LeaseLostError(Exception):
    pass


async def run_job(runtime: Runtime, job_id: int | None = None) -> str | None:
    """Returns the job's new status, or None when there was nothing to claim."""
    async with runtime.unit_of_work() as session:
        claim = await jobs.claim_job(session, lease_seconds=runtime.settings.job_lease_seconds, job_id=job_id)
    if claim is None:
        return None
    return await run_claimed(runtime, claim)


async def run_claimed(runtime: Runtime, claim: jobs.JobClaim) -> str | None:
    """Run a job we hold the lease of: its handler and DONE in one unit of work, or the failure recorded."""
    settings = runtime.settings
    log_ = log.bind(job_id=claim.id, kind=claim.kind, attempt=claim.attempts)
    spec = runtime.jobs.get(claim.kind)
    kind = claim.kind if spec is not None else "unknown"  # a bounded label: only registered kinds
    started = time.perf_counter()
    try:
        if spec is None:
            raise LookupError(f"no handler for job kind {claim.kind!r}")
        async with runtime.unit_of_work() as session:
            await spec.handler(runtime.job_context(session, claim))
            if not await jobs.complete_job(session, claim):
                raise LeaseLostError()
        JOB_DURATION.labels(kind).observe(time.perf_counter() - started)
        JOBS_FINISHED.labels(kind, "done").inc()
        log_.info("job.done")
        return QueueStatus.DONE
    except LeaseLostError:
        JOBS_FINISHED.labels(kind, "lease_lost").inc()
        log_.warning("job.lease_lost")
        return None
    except Exception as exc:
        JOB_DURATION.labels(kind).observe(time.perf_counter() - started)
        log_.exception("job.failed")
        delay = backoff_seconds(claim.attempts, settings.queue_backoff_base, settings.queue_backoff_max)
        async with runtime.unit_of_work() as session:
            status = await jobs.fail_job(session, claim, describe_error(exc), retry_in=delay)
        JOBS_FINISHED.labels(kind, "dead" if status == QueueStatus.DEAD else "failed").inc()
        if status == QueueStatus.DEAD and spec is not None and spec.on_dead is not None:
            try:  # telling the user is its own unit of work: the DEAD mark stands even if this fails
                async with runtime.unit_of_work() as session:
                    await spec.on_dead(runtime.job_context(session, claim), str(exc))
            except Exception:
                log_.exception("job.on_dead_failed")
        return status
