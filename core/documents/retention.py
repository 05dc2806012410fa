"""The streamed events of answers age out: once an answer is written its message holds the text and citations, and
the events only serve a client resuming its stream (Last-Event-ID). Events older than RETENTION_DAYS go, in batches,
with the queue's retention (core.queue.retention, the purger added in secretary/apps.py); those of an answer still
being written never do."""

from __future__ import annotations

import asyncio
from datetime import datetime

from core.documents import repository as repo
from core.queue.jobs import UnitsOfWork


async def purge_events(units: UnitsOfWork, before: datetime, batch: int) -> int:
    """Delete the events made before ``before`` (at most ``batch`` a transaction); how many went."""
    total = 0
    while True:
        async with units.unit_of_work() as session:
            deleted = await repo.delete_old_events(session, before, batch)
        total += deleted
        if deleted < batch:
            return total
        await asyncio.sleep(0)  # let the process's other work in between two batches
