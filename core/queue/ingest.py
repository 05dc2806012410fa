"""Ingress rules shared by polling and the webhook: store updates durably, apply backpressure, isolate bad ones.

Every string of a stored update is made storable (NUL and lone surrogates replaced: PostgreSQL's JSONB refuses them),
so such an update is still handled. An update that cannot be routed (a message without a chat, an id beyond 64 bits),
or that its batch cannot store for any other reason, is recorded as a DEAD inbox row with what could be kept of it,
and its neighbours are stored: one bad update never stalls ingress."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.values import storable_json
from core.metrics import UPDATES_RECEIVED
from core.queue import inbox
from core.queue.inbox import Claim
from core.queue.overload import notify_overloaded
from core.runtime import Runtime
from core.telegram.updates import BadUpdate, route_of, update_id_of

log = structlog.get_logger(__name__)


class Taker(Protocol):
    """Consumers in this process that take what ingress stores already claimed for them (see ``ingest``)."""

    lease_seconds: int

    def free(self) -> int:
        """How many more updates they can take now."""
        ...

    def take(self, claims: list[Claim]) -> None: ...


class QueueFull(Exception):
    """The queue holds QUEUE_MAX_TOTAL open items: do not acknowledge, Telegram will deliver again."""


BACKLOG_KEY = "inbox.backlog"  # the process's BacklogCount, in Runtime.extras

# the whole batch failed alike (full, or the database is unreachable): retried as a whole, never buried
_UNAVAILABLE = (QueueFull, OSError, TimeoutError, OperationalError, InterfaceError)


@dataclass(frozen=True)
class IngestResult:
    stored: int
    overloaded: bool  # above QUEUE_MAX_NEW: stored, but the user should hear that it will take a while
    chats: list[int]
    claims: tuple[Claim, ...] = ()  # stored already claimed for the taker (``store_updates(claim_for=...)``)


def inbox_row(update: dict[str, Any]) -> dict[str, Any]:
    """The inbox row of a usable update (its strings made storable); BadUpdate when it is not usable."""
    update_id = update_id_of(update)
    chat_id, user_id = route_of(update)
    return {"chat_id": chat_id, "user_id": user_id, "update_id": update_id, "payload": storable_json(update)}


BACKLOG_FRESH = 1.0  # seconds a counted backlog may be used again instead of counting (far from the limits)
_clock = time.monotonic


@dataclass
class BacklogCount:
    """The inbox's backlog as last counted by this process, plus what it stored since.

    Counting the open items is one of the statements between a user's message and its reply. Far below the limits
    a count up to BACKLOG_FRESH old serves: this process's own additions are counted in, finished items only make it
    an overestimate, and what other processes stored meanwhile (a second of it) is within the margin left to the
    limit, a tenth of it. Near a limit, or when older, the inbox is counted again."""

    new: int = 0
    total: int = 0
    at: float = -BACKLOG_FRESH

    def recent(self, adding: int, *, max_new: int, max_total: int) -> tuple[int, int] | None:
        if _clock() - self.at >= BACKLOG_FRESH:
            return None
        if self.new + adding + max_new // 10 >= max_new or self.total + adding + max_total // 10 >= max_total:
            return None
        return self.new, self.total

    def counted(self, new: int, total: int) -> None:
        self.new, self.total, self.at = new, total, _clock()

    def added(self, stored: int) -> None:
        self.new += stored
        self.total += stored


async def store_updates(session: AsyncSession, updates: list[dict[str, Any]], *, max_new: int,
                        max_total: int, backlog: BacklogCount | None = None,
                        claim_for: Taker | None = None) -> IngestResult:
    if not updates:
        return IngestResult(0, False, [])
    known = backlog.recent(len(updates), max_new=max_new, max_total=max_total) if backlog is not None else None
    if known is None:
        new, total = await inbox.backlog(session)
        if backlog is not None:
            backlog.counted(new, total)
    else:
        new, total = known
    if total + len(updates) > max_total:
        raise QueueFull(f"{total} open items")
    rows: list[dict[str, Any]] = []
    for update in updates:
        try:
            rows.append(inbox_row(update))
        except BadUpdate as exc:
            await _bury(session, update, f"unusable update: {exc}")
    claims: list[Claim] = []
    if claim_for is not None and (free := claim_for.free()) > 0:
        stored, claims = await inbox.enqueue_claiming(session, rows, free=free, lease_seconds=claim_for.lease_seconds)
    else:
        stored = await inbox.enqueue_many(session, rows)
    if backlog is not None:
        backlog.added(stored)  # counted in even if the transaction then fails: an overestimate, on the safe side
    return IngestResult(stored, new + stored > max_new, sorted({row["chat_id"] for row in rows}), tuple(claims))


async def ingest(runtime: Runtime, updates: list[dict[str, Any]], *, taker: Taker | None = None) -> int:
    """Store updates durably (one transaction; a batch that fails is stored one update at a time, and an update that
    fails alone is recorded DEAD). Raises only when the queue is full or the database unreachable: then nothing is
    acknowledged. ``taker``: this process's consumers; what they can take is stored already claimed for them, by the
    same statement (no claim's transaction, nor statement, on the way to the reply; a claim is a lease, so a crash
    after the commit only delays the update until the lease expires)."""
    try:
        return await _ingest(runtime, updates, taker)
    except Exception as exc:
        if _unavailable(exc):
            raise
        if len(updates) == 1:
            await _bury_alone(runtime, updates[0], exc)
            return 0
    stored = 0
    for update in updates:
        try:
            stored += await _ingest(runtime, [update])
        except Exception as exc:
            if _unavailable(exc):
                raise
            await _bury_alone(runtime, update, exc)
    return stored


def _unavailable(exc: Exception) -> bool:
    return isinstance(exc, _UNAVAILABLE) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


async def _ingest(runtime: Runtime, updates: list[dict[str, Any]], taker: Taker | None = None) -> int:
    settings = runtime.settings
    async with runtime.unit_of_work() as session:
        result = await store_updates(session, updates, max_new=settings.queue_max_new,
                                     max_total=settings.queue_max_total,
                                     backlog=runtime.extras.setdefault(BACKLOG_KEY, BacklogCount()), claim_for=taker)
        if result.overloaded:
            await notify_overloaded(session, result.chats, settings.default_language)
    claims = list(result.claims)
    if claims:
        taker.take(claims)  # type: ignore[union-attr]
    if result.stored > len(claims):  # the rest (an earlier item of its chat in flight, no consumer free) waits
        runtime.wake_inbox()
    UPDATES_RECEIVED.inc(result.stored)
    return result.stored


async def _bury_alone(runtime: Runtime, update: Any, exc: Exception) -> None:
    async with runtime.unit_of_work() as session:
        await _bury(session, update, f"could not be stored: {type(exc).__name__}")


async def _bury(session: AsyncSession, update: Any, error: str) -> None:
    """Record an update as DEAD, its text kept as an escaped JSON string; one without a usable update_id cannot be
    recorded (the inbox is keyed by it) and is only logged. The error names what is wrong, never the user's text."""
    try:
        update_id = update_id_of(update)
    except BadUpdate:
        log.warning("ingest.update_dropped", error=error)
        return
    try:
        chat_id, user_id = route_of(update)
    except BadUpdate:
        chat_id, user_id = 0, None
    try:
        raw: str | None = json.dumps(update, ensure_ascii=True)  # ASCII escapes only: always storable
    except (ValueError, TypeError, RecursionError):
        raw = None
    log.warning("ingest.update_dead", update_id=update_id, error=error)
    await inbox.bury(session, chat_id=chat_id, user_id=user_id, update_id=update_id,
                     payload={"update_id": update_id, "raw": raw}, error=error)


class IngestBatcher:
    """Group commit for the webhook: updates that arrive while a transaction is being written wait for the next
    one, which stores them all at once. Each request is still answered only after the commit that holds its
    update; a bad update is recorded DEAD by ``ingest`` and never fails its neighbours."""

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
            try:  # ingest isolates a bad update itself: an error here is one that the whole batch shares
                await ingest(self.runtime, [update for update, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    _settle(future, exc)
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
