"""Helpers shared by the calendar integration tests (imported as a top-level module)."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

from sqlalchemy import select

from core.db.base import utcnow
from core.items import service as items
from core.items.models import Item, ItemKind
from core.queue.jobs import due_jobs
from core.queue.models import Job, QueueStatus
from core.queue.runner import run_job
from core.runtime import Runtime
from core.users.service import ensure_user

OWNER = 4201
OTHER = 4202
CALENDAR_ID = "owner-calendar@group.calendar.google.com"
SYNC = "calendar.sync"


async def new_meeting(runtime: Runtime, user_id: int = OWNER, *, title: str = "Meeting with Ivan",
                      start: dt.datetime | None = None, duration: int = 60) -> Item:
    """A scheduled meeting made through the items service (which calls the item hook)."""
    start = start or (utcnow() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    async with runtime.unit_of_work() as s:
        await ensure_user(s, user_id, language_code="en")
        item = await items.new_item(s, user_id, ItemKind.MEETING, title, f"tomorrow {title}")
        await items.schedule(s, item, start, duration)
    return item


async def load(runtime: Runtime, item_id: int) -> Item:
    async with runtime.session_factory() as s:
        item = await s.get(Item, item_id)
        assert item is not None
        return item


async def open_sync_jobs(runtime: Runtime) -> list[Job]:
    async with runtime.session_factory() as s:
        rows = await s.scalars(select(Job).where(
            Job.kind == SYNC, Job.status.in_((QueueStatus.NEW, QueueStatus.FAILED))))
        return list(rows.all())


async def run_due_sync_jobs(runtime: Runtime) -> int:
    """Run every calendar job due now, once; returns how many ran."""
    async with runtime.session_factory() as s:
        ids = await due_jobs(s)
        kinds = {row.id: row.kind for row in await s.execute(select(Job.id, Job.kind).where(Job.id.in_(ids)))}
    ran = 0
    for job_id in ids:
        if kinds.get(job_id) == SYNC:
            await run_job(runtime, job_id)
            ran += 1
    return ran


async def drain(runtime: Runtime, timeout: float = 10.0) -> None:
    """Run calendar jobs, waiting for delayed retries, until none is left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await run_due_sync_jobs(runtime):
            continue
        if not await open_sync_jobs(runtime):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("calendar jobs still open after the timeout")
