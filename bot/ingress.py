"""Ingress by long polling: the offset moves past updates only after they are committed to the inbox."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import structlog
from aiogram import Bot
from aiogram.methods import GetUpdates
from sqlalchemy.exc import InterfaceError, OperationalError

from core.queue.ingest import QueueFull, store_updates
from core.queue.overload import notify_overloaded
from core.runtime import Runtime

log = structlog.get_logger(__name__)


class RawGetUpdates(GetUpdates):
    """getUpdates answered as Telegram's JSON objects. The inbox stores that JSON and the consumer builds the
    aiogram model once, when it handles the update; parsing every update into models here only to dump it back
    to JSON cost about as much CPU as storing it. Errors (401, 409, 429, network) are aiogram's as before."""

    __returning__ = list[dict[str, Any]]  # type: ignore[assignment]


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


class Poller:
    def __init__(self, runtime: Runtime, bot: Bot, *, timeout: int = 25, limit: int = 100) -> None:
        self.runtime = runtime
        self.bot = bot
        self.timeout = timeout
        self.limit = limit
        self.offset: int | None = None
        self._stopping = False

    async def run(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)
        backoff = 0.5
        while not self._stopping:
            try:
                got = await self.bot(RawGetUpdates(offset=self.offset, timeout=self.timeout, limit=self.limit),
                                     request_timeout=self.timeout + 10)
                updates = cast(list[dict[str, Any]], got)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("polling.get_updates_failed", error=str(exc))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 0.5
            if not updates:
                continue
            await self._store_until_done(updates)
            self.offset = max(int(u["update_id"]) for u in updates) + 1

    async def _store_until_done(self, batch: list[dict[str, Any]]) -> None:
        """Retry storing the batch until it is committed; the offset is not advanced meanwhile."""
        delay = 0.5
        while True:
            try:
                await ingest(self.runtime, batch)
                return
            except QueueFull:
                log.warning("polling.queue_full", waiting=delay)
            except Exception as exc:
                log.error("polling.store_failed", error=str(exc))
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30)

    def stop(self) -> None:
        self._stopping = True
