"""Ingress by long polling: the offset moves past updates only after they are committed to the inbox."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import structlog
from aiogram import Bot
from aiogram.methods import GetUpdates

from bot.consumer import InboxConsumer
from core.queue.ingest import QueueFull, ingest
from core.runtime import Runtime

log = structlog.get_logger(__name__)


class RawGetUpdates(GetUpdates):
    """getUpdates answered as Telegram's JSON objects. The inbox stores that JSON and the consumer builds the
    aiogram model once, when it handles the update; parsing every update into models here only to dump it back
    to JSON cost about as much CPU as storing it. Errors (401, 409, 429, network) are aiogram's as before."""

    __returning__ = list[dict[str, Any]]  # type: ignore[assignment]


class Poller:
    def __init__(self, runtime: Runtime, bot: Bot, *, timeout: int = 25, limit: int = 100,
                 consumer: InboxConsumer | None = None) -> None:
        self.runtime = runtime
        self.bot = bot
        # this process's consumers: a lone update is handled as it is stored, a batch is stored already claimed for them
        self.consumer = consumer
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
            # shielded: a stop that abandons the long poll must not cut a handling short between its commit and the
            # hand-over of its reply to the sender (the reply would stay SENDING, in doubt after a restart);
            # the consumer's stop waits for it
            if len(updates) == 1 and self.consumer is not None \
                    and await asyncio.shield(self.consumer.handle_now(updates[0])):
                await asyncio.sleep(0)  # the reply's task, started by the commit, puts it on the wire before we poll
            else:
                await self._store_until_done(updates)
            ids = [u["update_id"] for u in updates if isinstance(u, dict) and isinstance(u.get("update_id"), int)]
            if ids:
                self.offset = max(ids) + 1

    async def _store_until_done(self, batch: list[dict[str, Any]]) -> None:
        """Retry storing the batch until it is committed; the offset is not advanced meanwhile. Only a full queue or an
        unreachable database keeps it here: ``ingest`` stores a bad update sanitised or records it DEAD."""
        delay = 0.5
        while True:
            try:
                await ingest(self.runtime, batch, taker=self.consumer)
                return
            except QueueFull:
                log.warning("polling.queue_full", waiting=delay)
            except Exception as exc:
                log.error("polling.store_failed", error=type(exc).__name__)  # its text may quote the update
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30)

    def stop(self) -> None:
        self._stopping = True
