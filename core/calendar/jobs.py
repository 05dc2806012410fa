"""Calendar job kinds."""

from __future__ import annotations

from core.calendar.sync import SYNC_JOB, sync_item
from core.queue.jobs import JobRegistry


def register(registry: JobRegistry) -> None:
    registry.register(SYNC_JOB, sync_item)
