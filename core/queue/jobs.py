"""Durable jobs: enqueue inside a unit of work, dispatch after commit, claim with a lease, complete, retry."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.db.base import utcnow
from core.db.engine import dialect_name, execute_core
from core.presenters import Presenters
from core.queue.models import Job, QueueStatus
from core.telegram.gateway import TelegramGateway
from core.telegram.outbox import Outbox

PENDING_JOBS_KEY = "pending_jobs"
PENDING_CLAIMS_KEY = "pending_job_claims"
# session.info: the lease (seconds) of jobs that this process runs as soon as their unit of work commits (the
# in-process runner). Such a job is inserted already claimed by this process, which saves the claim's transaction;
# if the process dies first, the lease expires and the sweep gives the job to another runner.
PRECLAIM_KEY = "jobs.preclaim"
# session.info: job rows to insert with one statement just before the unit of work commits (``enqueue_at_commit``),
# present in a unit of work that does so (Runtime.unit_of_work, through ``insert_deferred``)
DEFERRED_KEY = "jobs.deferred"


@dataclass(frozen=True)
class JobClaim:
    id: int
    kind: str
    payload: dict[str, Any]
    user_id: int | None
    chat_id: int | None
    attempts: int
    max_attempts: int
    lease_token: str
    lease_expires_at: datetime | None = None  # known for a job claimed when it was created (PRECLAIM_KEY)


class UnitsOfWork(Protocol):
    """Short transactions of a job's own, beside the job's unit of work (read → think → write, progress edits)."""

    def unit_of_work(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def read_only(self) -> AbstractAsyncContextManager[AsyncSession]: ...


@dataclass
class JobContext:
    """What a job handler gets: its unit of work (``session``, committed with the job's DONE mark) and a narrow
    view of the process: settings, short units of work of its own, Telegram beyond the outbox, the presenters of
    the chat adapter, and a per-process cache."""

    session: AsyncSession
    job: JobClaim
    settings: Settings
    units: UnitsOfWork
    telegram: TelegramGateway
    presenters: Presenters
    cache: dict[str, Any] = field(default_factory=dict)

    def outbox(self, prefix: str = "job") -> Outbox:
        """Messages sent in this job's unit of work, keyed by the job (a re-run cannot send them twice)."""
        return Outbox(self.session, f"{prefix}:{self.job.id}")


JobHandler = Callable[[JobContext], Awaitable[None]]
DeadHandler = Callable[[JobContext, str], Awaitable[None]]


@dataclass(frozen=True)
class JobSpec:
    kind: str
    handler: JobHandler
    on_dead: DeadHandler | None = None


class JobRegistry:
    """Maps a job kind to its handler. One registry is built at startup from every app's jobs."""

    def __init__(self) -> None:
        self._specs: dict[str, JobSpec] = {}

    def register(self, kind: str, handler: JobHandler, on_dead: DeadHandler | None = None) -> None:
        if kind in self._specs:
            raise ValueError(f"job kind {kind!r} registered twice")
        self._specs[kind] = JobSpec(kind, handler, on_dead)

    def get(self, kind: str) -> JobSpec | None:
        return self._specs.get(kind)

    def kinds(self) -> list[str]:
        return sorted(self._specs)


def _insert_statement(insert: Any) -> Any:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING, built once per dialect."""
    return (
        insert(Job)
        .values(kind=bindparam("b_kind"), idempotency_key=bindparam("b_key"), payload=bindparam("b_payload"),
                user_id=bindparam("b_user"), chat_id=bindparam("b_chat"), status=bindparam("b_status"),
                attempts=bindparam("b_attempts"), lease_token=bindparam("b_token"),
                lease_expires_at=bindparam("b_expires"), max_attempts=bindparam("b_max"),
                available_at=bindparam("b_available"), created_at=bindparam("b_now"), updated_at=bindparam("b_updated"))
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
    )


_INSERT = {name: _insert_statement(insert).returning(Job.id)
           for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}
# several rows at once (executemany, sent as one multi-row INSERT): the key tells which row got which id
_INSERT_MANY = {name: _insert_statement(insert).returning(Job.id, Job.idempotency_key)
                for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}


def _row(session: AsyncSession, kind: str, payload: dict[str, Any], key: str, user_id: int | None,
         chat_id: int | None, delay: float, max_attempts: int) -> dict[str, Any]:
    """The insert's parameters: a job due now, in a process that runs its jobs itself, is created already claimed."""
    now = utcnow()
    lease = session.info.get(PRECLAIM_KEY) if delay <= 0 else None
    token = expires = None
    if lease:
        token = session.info.setdefault("jobs.lease_token", str(uuid.uuid4()))
        expires = now + timedelta(seconds=lease)
    return {"b_kind": kind, "b_key": key, "b_payload": payload, "b_user": user_id, "b_chat": chat_id,
            "b_max": max_attempts, "b_available": now + timedelta(seconds=delay), "b_now": now, "b_updated": now,
            "b_status": (QueueStatus.CLAIMED if lease else QueueStatus.NEW).value, "b_attempts": 1 if lease else 0,
            "b_token": token, "b_expires": expires}


def _hand_over(session: AsyncSession, job_id: int, row: dict[str, Any]) -> None:
    """After the commit a job due now goes to the runner: claimed already, or by id."""
    if row["b_available"] > row["b_now"]:
        return
    if row["b_token"] is not None:  # the handler gets the payload as it was stored (JSON), as it would from a claim
        claim = JobClaim(job_id, row["b_kind"], json.loads(json.dumps(row["b_payload"])), row["b_user"],
                         row["b_chat"], 1, row["b_max"], row["b_token"], row["b_expires"])
        session.info.setdefault(PENDING_CLAIMS_KEY, []).append(claim)
    else:
        session.info.setdefault(PENDING_JOBS_KEY, []).append(job_id)


async def enqueue_job(
    session: AsyncSession, kind: str, payload: dict[str, Any], *, key: str, user_id: int | None = None,
    chat_id: int | None = None, delay: float = 0, max_attempts: int = 5,
) -> int | None:
    """Create a job in the current unit of work. Idempotent on ``key``; returns the new id or None."""
    row = _row(session, kind, payload, key, user_id, chat_id, delay, max_attempts)
    job_id = (await execute_core(session, _INSERT[dialect_name(session)], row)).scalar_one_or_none()
    if job_id is not None:
        _hand_over(session, job_id, row)
    return job_id


async def enqueue_at_commit(
    session: AsyncSession, kind: str, payload: dict[str, Any], *, key: str, user_id: int | None = None,
    chat_id: int | None = None, delay: float = 0, max_attempts: int = 5,
) -> None:
    """``enqueue_job`` for a caller that needs no id: in a unit of work that inserts its jobs at the end, the row
    goes in with the others in one statement just before the commit (a note makes two jobs: one round trip less on
    the way to its reply); elsewhere at once."""
    deferred: list[dict[str, Any]] | None = session.info.get(DEFERRED_KEY)
    if deferred is None:
        await enqueue_job(session, kind, payload, key=key, user_id=user_id, chat_id=chat_id, delay=delay,
                          max_attempts=max_attempts)
        return
    deferred.append(_row(session, kind, payload, key, user_id, chat_id, delay, max_attempts))


async def insert_deferred(session: AsyncSession) -> None:
    """Insert the jobs ``enqueue_at_commit`` kept for the end of this unit of work (one INSERT; a key that exists
    already is skipped, as with ``enqueue_job``)."""
    rows = session.info.get(DEFERRED_KEY)
    if not rows:
        return
    session.info[DEFERRED_KEY] = []
    result = await execute_core(session, _INSERT_MANY[dialect_name(session)], rows)
    ids = {key: job_id for job_id, key in result.all()}
    for row in rows:
        if (job_id := ids.get(row["b_key"])) is not None:
            _hand_over(session, job_id, row)


def pop_pending_jobs(session: AsyncSession) -> list[int]:
    """The jobs created in the unit of work that just committed (to dispatch now); cleared on read."""
    return list(session.info.pop(PENDING_JOBS_KEY, []))


def pop_pending_claims(session: AsyncSession) -> list[JobClaim]:
    """The jobs created already claimed (PRECLAIM_KEY) in the unit of work that just committed; cleared on read."""
    return list(session.info.pop(PENDING_CLAIMS_KEY, []))


def drop_pending_jobs(session: AsyncSession) -> None:
    session.info.pop(DEFERRED_KEY, None)
    session.info.pop(PENDING_JOBS_KEY, None)
    session.info.pop(PENDING_CLAIMS_KEY, None)


_READY_STATUSES = (QueueStatus.NEW.value, QueueStatus.FAILED.value)
# Built once, with bind parameters: building them per call cost more CPU than running them.
_NEXT_DUE = (
    select(Job.id)
    .where(Job.status.in_(_READY_STATUSES), Job.available_at <= bindparam("b_now"))
    .order_by(Job.available_at, Job.id)
    .limit(1)
)
_NEXT_DUE_LOCKED = _NEXT_DUE.with_for_update(skip_locked=True)
_COMPLETE = (
    update(Job)
    .where(Job.id == bindparam("b_id"), Job.lease_token == bindparam("b_token"),
           Job.status == QueueStatus.CLAIMED.value)
    .values(status=QueueStatus.DONE.value, lease_token=None, lease_expires_at=None, finished_at=bindparam("b_now"),
            updated_at=bindparam("b_now"))
)
_CLAIM = (
    update(Job)
    .where(Job.id.in_(bindparam("b_ids", expanding=True)), Job.status.in_(_READY_STATUSES),
           Job.available_at <= bindparam("b_now"))
    .values(status=QueueStatus.CLAIMED.value, lease_token=bindparam("b_token"), attempts=Job.attempts + 1,
            lease_expires_at=bindparam("b_expires"), updated_at=bindparam("b_now"))
    .returning(Job.id, Job.kind, Job.payload, Job.user_id, Job.chat_id, Job.attempts, Job.max_attempts)
)


async def claim_job(session: AsyncSession, *, lease_seconds: int, job_id: int | None = None) -> JobClaim | None:
    """Claim one job (a given one, or the oldest due one) with a fresh lease token."""
    if job_id is None:
        query = _NEXT_DUE_LOCKED if dialect_name(session) == "postgresql" else _NEXT_DUE
        job_id = (await execute_core(session, query, {"b_now": utcnow()})).scalar()
        if job_id is None:
            return None
    claims = await claim_jobs(session, [job_id], lease_seconds=lease_seconds)
    return claims[0] if claims else None


async def claim_jobs(session: AsyncSession, job_ids: list[int], *, lease_seconds: int) -> list[JobClaim]:
    """Claim several given jobs in one statement (those still due and unclaimed), in id order; they share one
    lease token (each is completed by id and token)."""
    now = utcnow()
    token = str(uuid.uuid4())
    rows = await execute_core(session, _CLAIM, {"b_ids": job_ids, "b_now": now, "b_token": token,
                                               "b_expires": now + timedelta(seconds=lease_seconds)})
    claims = [JobClaim(r.id, r.kind, r.payload, r.user_id, r.chat_id, r.attempts, r.max_attempts, token)
              for r in rows]
    return sorted(claims, key=lambda c: c.id)


_RELEASE = (
    update(Job)
    .where(Job.id == bindparam("b_id"), Job.lease_token == bindparam("b_token"),
           Job.status == QueueStatus.CLAIMED.value)
    .values(status=QueueStatus.NEW.value, lease_token=None, lease_expires_at=None, attempts=Job.attempts - 1,
            updated_at=bindparam("b_now"))
)


async def release_jobs(session: AsyncSession, claims: list[JobClaim]) -> None:
    """Give back claims that were never run (a runner stopping with jobs still queued): NEW again, the attempt not
    counted, so that the next runner takes them at once instead of after their lease."""
    if claims:
        now = utcnow()
        await execute_core(session, _RELEASE, [{"b_id": c.id, "b_token": c.lease_token, "b_now": now}
                                               for c in claims])


async def complete_job(session: AsyncSession, claim: JobClaim) -> bool:
    """DONE if we still hold the lease; False means a late worker: the caller must roll back its work."""
    result = await execute_core(session, _COMPLETE, {"b_id": claim.id, "b_token": claim.lease_token,
                                                      "b_now": utcnow()})
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def fail_job(session: AsyncSession, claim: JobClaim, error: str, *, retry_in: float) -> str | None:
    now = utcnow()
    dead = claim.attempts >= claim.max_attempts
    status = QueueStatus.DEAD if dead else QueueStatus.FAILED
    result = await session.execute(
        update(Job)
        .where(Job.id == claim.id, Job.lease_token == claim.lease_token)
        .values(status=status, lease_token=None, lease_expires_at=None, last_error=error[:4000], updated_at=now,
                available_at=now + timedelta(seconds=retry_in), finished_at=now if dead else None)
    )
    return status if result.rowcount else None  # type: ignore[attr-defined]


async def sweep_jobs(session: AsyncSession, *, stale_after: float = 30.0, limit: int = 500) -> list[int]:
    """Expire dead leases and return the ids of due jobs to (re-)dispatch.

    A NEW job is re-dispatched only when it has waited ``stale_after`` seconds (its after-commit dispatch
    was lost, e.g. the broker was down) or when it was created with a delay (never dispatched); FAILED jobs
    are dispatched as soon as their retry time comes. A job dispatched twice runs once (the claim is
    conditional).
    """
    now = utcnow()
    await session.execute(
        update(Job)
        .where(Job.status == QueueStatus.CLAIMED, Job.lease_expires_at < now)
        .values(status=QueueStatus.FAILED, lease_token=None, lease_expires_at=None, available_at=now,
                last_error="lease expired", updated_at=now)
    )
    stale = now - timedelta(seconds=stale_after)
    ids = await session.scalars(
        select(Job.id)
        .where(
            Job.available_at <= now,
            or_(
                Job.status == QueueStatus.FAILED,
                (Job.status == QueueStatus.NEW) & (Job.available_at <= stale),
                # a delayed job (a reminder) was never dispatched: it is due now
                (Job.status == QueueStatus.NEW) & (Job.available_at > Job.created_at),
            ),
        )
        .order_by(Job.available_at)
        .limit(limit)
    )
    return list(ids.all())


async def due_jobs(session: AsyncSession, limit: int = 100) -> list[int]:
    """Every job that could run now (the in-process runner polls this)."""
    now = utcnow()
    ids = await session.scalars(
        select(Job.id)
        .where(Job.status.in_((QueueStatus.NEW, QueueStatus.FAILED)), Job.available_at <= now)
        .order_by(Job.available_at, Job.id)
        .limit(limit)
    )
    return list(ids.all())


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Job.status, func.count()).group_by(Job.status))
    counts = {s.value: 0 for s in QueueStatus}
    counts.update({status: n for status, n in rows.all()})
    return counts


async def dead_jobs(session: AsyncSession, limit: int = 20) -> tuple[list[Job], int]:
    """The jobs given up on (DEAD), the latest to die first, at most ``limit``; and how many there are."""
    where = Job.status == QueueStatus.DEAD.value
    total = await session.scalar(select(func.count()).select_from(Job).where(where))
    rows = await session.scalars(select(Job).where(where).order_by(Job.updated_at.desc(), Job.id.desc()).limit(limit))
    return list(rows.all()), int(total or 0)
