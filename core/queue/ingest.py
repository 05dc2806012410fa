"""Ingress rules shared by polling and the webhook: store updates durably, apply backpressure."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from core.queue import inbox
from core.queue.overload import notify_overloaded
from core.runtime import Runtime
from core.telegram.updates import route_of


class QueueFull(Exception):
    """The queue holds QUEUE_MAX_TOTAL open items: do not acknowledge, Telegram will deliver again."""


@dataclass(frozen=True)
class IngestResult:
    stored: int
    overloaded: bool  # above QUEUE_MAX_NEW: stored, but the user should hear that it will take a while
    chats: list[int]


async def store_updates(session: AsyncSession, updates: list[dict[str, Any]], *, max_new: int,
                        max_total: int) -> IngestResult:
    if not updates:
        return IngestResult(0, False, [])
    new, total = await inbox.backlog(session)
    if total + len(updates) > max_total:
        raise QueueFull(f"{total} open items")
    rows: list[dict[str, Any]] = []
    chats: set[int] = set()
    for update in updates:
        chat_id, user_id = route_of(update)
        chats.add(chat_id)
        rows.append({"chat_id": chat_id, "user_id": user_id, "update_id": int(update["update_id"]),
                     "payload": update})
    stored = await inbox.enqueue_many(session, rows)
    return IngestResult(stored, new + stored > max_new, sorted(chats))


async def ingest(runtime: Runtime, updates: list[dict[str, Any]]) -> int:
    """Store updates durably (one transaction); raises on failure so that nothing is acknowledged."""
    settings = runtime.settings
    async with runtime.unit_of_work() as session:
        result = await store_updates(session, updates, max_new=settings.queue_max_new,
                                     max_total=settings.queue_max_total)
        if result.overloaded:
            await notify_overloaded(session, result.chats, settings.default_language)
    runtime.wake_inbox()
    return result.stored


class IngestBatcher:
    """Group commit for the webhook: updates that arrive while a transaction is being written wait for the next
    one, which stores them all at once. Each request is still answered only after the commit that holds its
    update, and a failing batch is retried one update at a time, so one bad update never fails its neighbours."""

    def __init__(self, runtime: Runtime, *, max_batch: int = 500) -> None:
        self.runtime = runtime
        self.max_batch = max_batch
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, update: dict[str, Any]) -> None:
        """Store one update durably; raises what storing it raised (QueueFull, a database error)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((update, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await future

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            try:
                await ingest(self.runtime, [update for update, _ in batch])
            except (QueueFull, OSError, TimeoutError, OperationalError, InterfaceError) as exc:
                for _, future in batch:  # full, or the database is unreachable: the whole batch failed alike
                    _settle(future, exc)
            except Exception as exc:
                if len(batch) == 1:
                    _settle(batch[0][1], exc)
                    continue
                for update, future in batch:  # find the bad one; the others are still stored
                    try:
                        await ingest(self.runtime, [update])
                    except Exception as single:
                        _settle(future, single)
                    else:
                        _settle(future, None)
            else:
                for _, future in batch:
                    _settle(future, None)


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():  # the request went away meanwhile; its update may be stored, a redelivery is a no-op
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


def webhook_batcher(runtime: Runtime) -> IngestBatcher:
    """The web process's batcher (one per runtime)."""
    batcher = runtime.extras.get("webhook_batcher")
    if batcher is None:
        batcher = runtime.extras["webhook_batcher"] = IngestBatcher(runtime)
    return batcher  # type: ignore[no-any-return]
