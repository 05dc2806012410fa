"""Retention: finished queue rows and kept voice files do not pile up for ever.

DONE updates and jobs and SENT outbox messages older than ``RETENTION_DAYS`` are deleted, and so are the voice
files kept for /retry; DEAD rows (and outbox rows in DOUBT) stay ``RETENTION_DEAD_DAYS``, for the operator. Rows go
in batches of ``BATCH``, each its own short transaction, so that a big table is never locked for long. Open rows are
never touched. An app whose rows age out too (the documents' streamed events) adds a purger at start-up
(``add_purger``, wired in secretary/apps.py); it gets the same cut-off and batch size. The sweepers call
:meth:`Retention.run_if_due` (the in-process runner's poll, the Celery beat sweep).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import structlog

from core.config import Settings
from core.db.base import utcnow
from core.queue import repository
from core.queue.jobs import UnitsOfWork
from core.queue.models import QueueStatus
from core.telegram.models import OutboxStatus

log = structlog.get_logger(__name__)

BATCH = 1000
EVERY = 3600.0  # seconds between two purges of one process
VOICE_DIR = "voice"  # under DATA_DIR: the audio core.voice keeps for /retry (core.voice.jobs.audio_path)

_DONE = {"inbox": (QueueStatus.DONE.value,), "jobs": (QueueStatus.DONE.value,), "outbox": (OutboxStatus.SENT.value,)}
_DEAD = {"inbox": (QueueStatus.DEAD.value,), "jobs": (QueueStatus.DEAD.value,),
         "outbox": (OutboxStatus.DEAD.value, OutboxStatus.DOUBT.value)}


# (units of work, delete what was made before this, rows per batch) -> rows deleted
Purger = Callable[[UnitsOfWork, datetime, int], Awaitable[int]]
_PURGERS: dict[str, Purger] = {}


def add_purger(name: str, purger: Purger) -> None:
    """Rows of an app that go after ``RETENTION_DAYS`` too; ``name`` keys them in :class:`Purged` (added again:
    replaced, so that building several runtimes in one process is harmless)."""
    _PURGERS[name] = purger


@dataclass
class Purged:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows deleted
    files: int = 0

    def __bool__(self) -> bool:
        return bool(self.files or any(self.rows.values()))


async def _purge_table(units: UnitsOfWork, table: str, statuses: tuple[str, ...], before: datetime,
                       batch: int) -> int:
    total = 0
    while True:
        async with units.unit_of_work() as session:
            deleted = await repository.delete_finished(session, table, statuses, before, batch)
        total += deleted
        if deleted < batch:
            return total
        await asyncio.sleep(0)  # let the process's other work in between two batches


def _purge_files(directory: Path, before: datetime) -> int:
    if not directory.is_dir():
        return 0
    cutoff = before.timestamp()
    deleted = 0
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # another process purged it first
            continue
    return deleted


async def purge(units: UnitsOfWork, settings: Settings, *, now: datetime | None = None,
                batch: int = BATCH) -> Purged:
    """Delete what is older than the retention settings; what was deleted."""
    now = now or utcnow()
    done_before = now - timedelta(days=settings.retention_days)
    dead_before = now - timedelta(days=settings.retention_dead_days)
    purged = Purged()
    for table in repository.PURGEABLE:
        purged.rows[table] = (await _purge_table(units, table, _DONE[table], done_before, batch)
                              + await _purge_table(units, table, _DEAD[table], dead_before, batch))
    for name, purger in _PURGERS.items():
        deleted = await purger(units, done_before, batch)
        if deleted:  # an app's rows are listed when some went
            purged.rows[name] = deleted
    purged.files = await asyncio.to_thread(_purge_files, settings.data_dir / VOICE_DIR, done_before)
    if purged:
        log.info("retention.purged", files=purged.files, **purged.rows)
    return purged


class Retention:
    """A process's purge schedule: at most one purge every ``every`` seconds, the first at the first call."""

    def __init__(self, every: float = EVERY) -> None:
        self.every = every
        self._next = 0.0

    async def run_if_due(self, units: UnitsOfWork, settings: Settings) -> Purged | None:
        if time.monotonic() < self._next:
            return None
        self._next = time.monotonic() + self.every
        try:
            return await purge(units, settings)
        except Exception:  # the next run tries again; the queue works on meanwhile
            log.exception("retention.failed")
            return None
