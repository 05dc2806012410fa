"""Retention: finished rows and kept voice files older than RETENTION_DAYS go, DEAD rows stay RETENTION_DEAD_DAYS,
open rows are never touched; in batches; the in-process runner's poll runs it."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from core.db.base import utcnow
from core.queue.models import InboxUpdate, Job, QueueStatus
from core.queue.retention import Retention, purge
from core.runtime import Runtime
from core.telegram.models import OutboxMessage, OutboxStatus
from worker.celery_app import sweep
from worker.inprocess import InProcessRunner

DAY = timedelta(days=1)
OUTBOX_STATUS = {QueueStatus.DONE.value: OutboxStatus.SENT.value, QueueStatus.NEW.value: OutboxStatus.PENDING.value}


async def _rows(runtime: Runtime, created: dict[str, tuple[str, datetime]]) -> None:
    """One row of each table per name: (status, created_at)."""
    async with runtime.unit_of_work() as s:
        for n, (name, (status, at)) in enumerate(created.items()):
            s.add(InboxUpdate(chat_id=1, update_id=n, payload={"name": name}, status=status, created_at=at))
            s.add(Job(kind="test", idempotency_key=name, payload={"name": name}, status=status, created_at=at))
            outbox_status = OUTBOX_STATUS.get(status, status)
            s.add(OutboxMessage(dedup_key=name, chat_id=1, method="sendMessage", payload={"name": name},
                                status=outbox_status, created_at=at))


async def _left(runtime: Runtime) -> dict[str, list[str]]:
    async with runtime.session_factory() as s:
        return {
            "inbox": sorted((await s.scalars(select(InboxUpdate.payload["name"].as_string()))).all()),
            "jobs": sorted((await s.scalars(select(Job.idempotency_key))).all()),
            "outbox": sorted((await s.scalars(select(OutboxMessage.dedup_key))).all()),
        }


def _voice_file(data_dir: Path, name: str, age: timedelta) -> Path:
    path = data_dir / "voice" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"audio")
    stamp = (utcnow() - age).timestamp()
    os.utime(path, (stamp, stamp))
    return path


ROWS = {
    "done-old": (QueueStatus.DONE, 31),
    "done-old-2": (QueueStatus.DONE, 45),
    "done-old-3": (QueueStatus.DONE, 60),
    "done-new": (QueueStatus.DONE, 29),
    "dead-old": (QueueStatus.DEAD, 60),  # past RETENTION_DAYS, within RETENTION_DEAD_DAYS: kept
    "dead-older": (QueueStatus.DEAD, 91),
    "open-old": (QueueStatus.NEW, 400),  # never touched
}
KEPT = ["dead-old", "done-new", "open-old"]


class TestPurge:
    async def test_finished_rows_go_after_their_days_dead_ones_later_open_ones_never(self, runtime: Runtime) -> None:
        now = utcnow()
        await _rows(runtime, {name: (status, now - days * DAY) for name, (status, days) in ROWS.items()})
        old = _voice_file(runtime.settings.data_dir, "voice_1_1.audio", timedelta(days=31))
        new = _voice_file(runtime.settings.data_dir, "voice_1_2.audio", timedelta(days=29))
        purged = await purge(runtime, runtime.settings, now=now, batch=2)  # batches smaller than what goes
        assert await _left(runtime) == {"inbox": KEPT, "jobs": KEPT, "outbox": KEPT}
        assert purged.rows == {"inbox": 4, "jobs": 4, "outbox": 4} and purged.files == 1
        assert not old.exists() and new.exists()

    async def test_doubtful_messages_are_kept_as_long_as_dead_ones(self, runtime: Runtime) -> None:
        now = utcnow()
        async with runtime.unit_of_work() as s:
            for name, days in (("doubt-old", 60), ("doubt-older", 91)):
                s.add(OutboxMessage(dedup_key=name, chat_id=1, method="sendMessage", payload={},
                                    status=OutboxStatus.DOUBT, created_at=now - days * DAY))
        await purge(runtime, runtime.settings, now=now)
        assert (await _left(runtime))["outbox"] == ["doubt-old"]

    async def test_the_days_are_settings(self, runtime: Runtime) -> None:
        now = utcnow()
        await _rows(runtime, {"done": (QueueStatus.DONE, now - 3 * DAY), "dead": (QueueStatus.DEAD, now - 3 * DAY)})
        runtime.settings = runtime.settings.model_copy(update={"retention_days": 2, "retention_dead_days": 5})
        await purge(runtime, runtime.settings, now=now)
        assert await _left(runtime) == {"inbox": ["dead"], "jobs": ["dead"], "outbox": ["dead"]}


class TestSweepers:
    async def test_the_in_process_runners_poll_purges_at_most_once_an_hour(self, runtime: Runtime) -> None:
        runtime.settings = runtime.settings.model_copy(update={"retention_days": 1})
        runner = InProcessRunner(runtime)
        await _rows(runtime, {"first": (QueueStatus.DONE, utcnow() - 2 * DAY)})
        await runner._poll()
        assert await _left(runtime) == {"inbox": [], "jobs": [], "outbox": []}
        await _rows(runtime, {"second": (QueueStatus.DONE, utcnow() - 2 * DAY)})
        await runner._poll()  # a second later: not yet
        assert (await _left(runtime))["jobs"] == ["second"]
        runner.retention = Retention(every=0)
        await runner._poll()
        assert (await _left(runtime))["jobs"] == []

    async def test_the_beat_sweep_purges(self, runtime: Runtime) -> None:
        runtime.settings = runtime.settings.model_copy(update={"retention_days": 1})
        await _rows(runtime, {"old": (QueueStatus.DONE, utcnow() - 2 * DAY)})
        sent: list[int] = []
        assert await sweep(runtime, sent.append, Retention()) == 0
        assert await _left(runtime) == {"inbox": [], "jobs": [], "outbox": []} and sent == []
