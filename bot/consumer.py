"""Inbox consumers: claim updates with a lease (one in flight per chat, many chats in parallel) and feed
them to the Dispatcher. The domain changes, the outgoing messages and the DONE mark commit together."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import structlog
from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.i18n import translator
from core.logging import describe_error
from core.metrics import UPDATE_CLAIM_AGE, UPDATE_HANDLED, UPDATES_FINISHED, UPDATES_RECEIVED, observe_since
from core.queue import inbox
from core.queue.backoff import backoff_seconds
from core.queue.inbox import Claim
from core.queue.ingest import inbox_row
from core.queue.jobs import drop_pending_jobs
from core.queue.models import QueueStatus
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.telegram.updates import BadUpdate, route_of
from core.users import repository as users_repo

log = structlog.get_logger(__name__)


class LeaseLost(Exception):
    """Another consumer took the item over; our work is rolled back."""


class NotFirst(Exception):
    """An update handled as it was stored turned out to be a repeated delivery, or to have an open update of its chat
    before it: everything the handling did is rolled back, and it is stored the ordinary way."""


class InboxConsumer:
    def __init__(self, runtime: Runtime, bot: Bot, dp: Dispatcher, *, concurrency: int | None = None) -> None:
        self.runtime = runtime
        self.bot = bot
        self.dp = dp
        settings = runtime.settings
        self.concurrency = concurrency or settings.queue_consumers
        self.claim_batch = max(1, self.concurrency // 2)
        self.lease_seconds = settings.queue_lease_seconds
        self.max_attempts = settings.queue_max_attempts
        self.poll_interval = settings.queue_poll_interval
        # With a poller in this process (``local_ingress``), every update stored here wakes the consumers (and is
        # mostly claimed in the poller's own transaction); the poll only finds what other processes or the clock
        # made ready, so it can be slow.
        self.local_ingress = False
        self.local_poll_interval = max(settings.queue_poll_interval, 1.0)
        self.wake = asyncio.Event()
        # Whether the inbox may hold something claimable that was not claimed yet. A claim that finds less than it
        # asked for while nothing was in flight clears it; anything that can make an item ready sets it (an update
        # stored and left unclaimed, a failure's retry time, an expired lease, the poll). An item finishing does not:
        # so at light load an answered update costs no empty claim transaction after it.
        self.dirty = True
        self._inflight: dict[int, asyncio.Task[None]] = {}
        self._chats: dict[int, int] = {}  # the chat of each item in flight
        self._at_once = 0  # updates being handled as they are stored (``handle_now``)
        self._none_at_once = asyncio.Event()
        self._none_at_once.set()
        self._stopping = False
        self.processed = 0
        runtime.inbox_listeners.append(self.poke)

    def poke(self) -> None:
        """Something may be claimable now: claim at the next turn."""
        self.dirty = True
        self.wake.set()

    def free(self) -> int:
        """How many more updates the consumers can take now: ingress stores that many already claimed for them
        (``core.queue.ingest``), then hands them over with :meth:`take`."""
        return 0 if self._stopping else max(0, self.concurrency - len(self._inflight))

    def take(self, claims: list[Claim]) -> None:
        """Start claims committed by someone else's transaction (ingress: stored already claimed, see :meth:`free`)."""
        for claim in claims:
            self._start(claim)
        if claims:
            self.runtime.inbox_idle.clear()

    async def run(self) -> None:
        sweep_every = max(1.0, self.lease_seconds / 4)
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()
        while not self._stopping:
            if loop.time() >= next_sweep:
                await self._sweep()
                next_sweep = loop.time() + sweep_every
            free = self.concurrency - len(self._inflight)
            claims: list[Claim] = []
            # Under load a claim waits until half the consumers are free, so that one claiming transaction serves
            # several updates; an idle consumer set claims at once (no added latency at light load).
            if self.dirty and (free >= self.claim_batch or (free > 0 and not self._inflight)):
                busy = bool(self._inflight)
                self.dirty = False  # set again by anything that happens while the claim runs
                try:
                    claims = await self._claim(free)
                except Exception:
                    self.dirty = True
                    log.exception("inbox.claim_failed")
                    await asyncio.sleep(1)
                if busy or len(claims) >= free:  # more may wait (behind an item in flight, or beyond this claim)
                    self.dirty = True
            for claim in claims:
                self._start(claim)
            if self._inflight:
                self.runtime.inbox_idle.clear()
            if claims and len(self._inflight) < self.concurrency:
                continue
            timeout = self.local_poll_interval if self.local_ingress else self.poll_interval
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=timeout)
            except TimeoutError:
                self.dirty = True
            self.wake.clear()

    def _start(self, claim: Claim) -> None:
        task = asyncio.create_task(self._process(claim))
        self._inflight[claim.id] = task
        self._chats[claim.id] = claim.chat_id
        task.add_done_callback(functools.partial(self._on_done, claim.id))

    def _on_done(self, item_id: int, _task: asyncio.Task[None]) -> None:
        self._inflight.pop(item_id, None)
        self._chats.pop(item_id, None)
        if not self._inflight and not self._at_once:
            self.runtime.inbox_idle.set()
        self.wake.set()

    async def handle_now(self, update: dict[str, Any]) -> bool:
        """Handle an update the poller just got in the transaction that then stores it, DONE (light load: a batch of
        one, a consumer free, nothing of its chat in flight here). Until that commit nothing is acknowledged, so a
        crash only means Telegram delivers the update again. Saves the store's own transaction and the hand-over to a
        consumer on the way to the reply.

        True when the update is stored: handled, or its failed first attempt rolled back and recorded as a consumer
        records one (``_store_failed``). False when the caller must store it the ordinary way (``ingest``): not for
        this path, a repeated delivery, or an open update of its chat in the inbox (all the handling did is rolled
        back)."""
        if self._stopping or self.free() <= 0:
            return False
        try:
            row = inbox_row(update)
        except BadUpdate:
            return False  # ingest records it DEAD
        if row["chat_id"] in self._chats.values():
            return False
        received_at = utcnow()
        key = f"tg:{row['chat_id']}:{row['update_id']}"  # no inbox id before the INSERT; never both paths' rows
        self._at_once += 1
        self._none_at_once.clear()
        self.runtime.inbox_idle.clear()
        try:
            async with self.runtime.unit_of_work() as session:
                session.info[inbox.STORING_KEY] = row
                await self._feed(session, row["payload"], key)
                if not await inbox.store_handled(session, row, received_at=received_at):
                    raise NotFirst()
        except NotFirst:
            return False
        except Exception as exc:
            return await self._store_failed(row, exc)
        finally:
            self._at_once -= 1
            if not self._at_once:
                self._none_at_once.set()
                if not self._inflight:
                    self.runtime.inbox_idle.set()
        self.processed += 1
        UPDATES_RECEIVED.inc()
        UPDATE_CLAIM_AGE.observe(0.0)  # handled as it came: it waited for no consumer
        UPDATES_FINISHED.labels("done").inc()
        observe_since(UPDATE_HANDLED, received_at)
        return True

    async def _store_failed(self, row: dict[str, Any], exc: Exception) -> bool:
        """The first attempt of an update handled as it was stored failed (and was rolled back): store it claimed and
        record the failure as a consumer's would be (retried after a backoff, or DEAD). Nothing to record for a
        repeated delivery (stored already: what its handling ran into, a unique link for one, is no failure). False
        when it could not be stored: the poller then stores it the ordinary way."""
        try:
            async with self.runtime.unit_of_work() as session:
                stored, claims = await inbox.enqueue_claiming(session, [row], free=1, lease_seconds=self.lease_seconds)
        except Exception:
            log.exception("inbox.store_failed_update_failed", update_id=row["update_id"])
            return False
        UPDATES_RECEIVED.inc(stored)
        if claims:
            log.error("inbox.update_failed", update_id=row["update_id"], chat_id=row["chat_id"], attempt=1,
                      exc_info=exc)
            await self._record_failure(claims[0], exc)
        elif stored:  # behind an open update of its chat that came meanwhile: its turn comes
            self.poke()
        return True

    async def _feed(self, session: AsyncSession, payload: dict[str, Any], outbox_key: str) -> None:
        """The update through the dispatcher, its replies written to the outbox under ``outbox_key``."""
        outbox = Outbox(session, outbox_key)
        update = Update.model_validate(payload, context={"bot": self.bot})
        await self.dp.feed_update(self.bot, update, session=session, outbox=outbox, runtime=self.runtime)

    async def stop(self) -> None:
        self._stopping = True
        self.wake.set()
        await self._none_at_once.wait()
        if self._inflight:
            await asyncio.gather(*self._inflight.values(), return_exceptions=True)

    async def _sweep(self) -> None:
        try:
            async with self.runtime.unit_of_work() as session:
                n = await inbox.sweep_expired(session)
            if n:
                self.dirty = True
                log.warning("inbox.leases_expired", count=n)
        except Exception:
            log.exception("inbox.sweep_failed")

    async def _claim(self, limit: int) -> list[Claim]:
        async with self.runtime.unit_of_work() as session:
            return await inbox.claim(session, lease_seconds=self.lease_seconds, limit=limit)

    async def _process(self, claim: Claim) -> None:
        log_ = log.bind(update_id=claim.update_id, chat_id=claim.chat_id, attempt=claim.attempts)
        observe_since(UPDATE_CLAIM_AGE, claim.created_at)
        try:
            async with self.runtime.unit_of_work() as session:
                await self._feed(session, claim.payload, f"upd:{claim.id}")
                if not await inbox.complete(session, claim):
                    raise LeaseLost()
            self.processed += 1
            UPDATES_FINISHED.labels("done").inc()
            observe_since(UPDATE_HANDLED, claim.created_at)
        except LeaseLost:
            UPDATES_FINISHED.labels("lease_lost").inc()
            log_.warning("inbox.lease_lost")
        except Exception as exc:
            log_.exception("inbox.update_failed")
            await self._record_failure(claim, exc)

    async def _record_failure(self, claim: Claim, exc: Exception) -> None:
        settings = self.runtime.settings
        delay = backoff_seconds(claim.attempts, settings.queue_backoff_base, settings.queue_backoff_max)
        try:
            async with self.runtime.unit_of_work() as session:
                drop_pending_jobs(session)
                status = await inbox.fail(session, claim, describe_error(exc),
                                          max_attempts=self.max_attempts, retry_in=delay)
                UPDATES_FINISHED.labels("dead" if status == QueueStatus.DEAD else "retried").inc()
                if status == QueueStatus.DEAD and claim.chat_id:
                    await self._tell_user_dead(session, claim)
        except Exception:
            log.exception("inbox.fail_record_failed", item_id=claim.id)
        loop = asyncio.get_running_loop()
        loop.call_later(delay, self.poke)

    async def _tell_user_dead(self, session: Any, claim: Claim) -> None:
        try:
            _, user_id = route_of(claim.payload)
        except BadUpdate:  # stored before ingress checked the ids: answer in the default language
            user_id = None
        user = await users_repo.get(session, user_id) if user_id else None
        language = user.language if user else self.runtime.settings.default_language
        outbox = Outbox(session, f"dead:{claim.id}")
        reply_to = (claim.payload.get("message") or {}).get("message_id")
        if not isinstance(reply_to, int):  # the update may be malformed: that is why it died
            reply_to = None
        await outbox.send_message(claim.chat_id, translator(language)("error.dead"), reply_to=reply_to,
                                  parse_mode=None)
