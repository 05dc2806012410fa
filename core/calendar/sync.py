"""The calendar sync state machine (spec section 3), one item at a time.

``items.calendar_event_id`` is the state of the integration:

* ``NULL``: no event (never synced, no provider configured, or its event was deleted);
* ``<event id>``: the event exists; a reschedule patches it, cancel/done deletes it (→ ``NULL``);
* ``PENDING``: an attempt failed for a passing reason; a retry job is scheduled with backoff;
* ``FAILED``: CALENDAR_MAX_ATTEMPTS attempts failed, or Google refused for good; skipped from then on.

Event ids are deterministic (:func:`~core.calendar.events.event_id_for`), so a retry after a crash between
the provider call and the commit meets its own event (409) instead of creating a second one.

A sync reads a snapshot of the item in a short session of its own, calls the provider with no transaction
open (a slow Google must not hold SQLite's write lock), then writes the outcome in the job's unit of work.
If the item changed meanwhile, another sync is queued, so the calendar always ends at the item's last state.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from core.calendar.events import FAILED, PENDING, EventData, event_from_item, event_id_for, is_event_id
from core.calendar.provider import CalendarError, CalendarProvider
from core.calendar.providers import provider_for_user
from core.db.base import utcnow
from core.items.models import Item, ItemStatus
from core.queue.backoff import backoff_seconds
from core.queue.jobs import JobContext, enqueue_job
from core.users.models import User

log = structlog.get_logger(__name__)

SYNC_JOB = "calendar.sync"
CREDENTIALS_CACHE = "calendar.credentials"


class Op(enum.StrEnum):
    NONE = "none"
    CREATE = "create"  # insert with the deterministic id (409 → patch)
    UPDATE = "update"  # patch (404 → insert)
    DELETE = "delete"
    CLEAR = "clear"  # no provider any more: a PENDING state has nothing left to wait for


class Outcome(enum.StrEnum):
    OK = "ok"
    RETRY = "retry"
    GIVE_UP = "give_up"


Fingerprint = tuple[str, datetime | None, int | None, str, str, str | None]


def fingerprint(item: Item) -> Fingerprint:
    return (item.status, item.starts_at, item.duration_min, item.title, item.text, item.recurrence)


def wants_event(item: Item) -> bool:
    return item.status == ItemStatus.SCHEDULED and item.starts_at is not None


def plan(state: str | None, *, wanted: bool, has_provider: bool) -> Op:
    if state == FAILED:
        return Op.NONE
    if not has_provider:
        return Op.CLEAR if state == PENDING else Op.NONE
    if wanted:
        return Op.UPDATE if is_event_id(state) else Op.CREATE
    return Op.DELETE if state is not None else Op.NONE


@dataclass(frozen=True)
class Snapshot:
    item_id: int
    user_id: int
    op: Op
    event_id: str
    event: EventData | None
    fingerprint: Fingerprint


async def enqueue_sync(session: AsyncSession, item: Item, *, reason: str, delay: float = 0,
                       max_attempts: int = 5) -> int | None:
    """Queue a sync of ``item`` in the current unit of work; every call makes its own job."""
    key = f"calendar:{item.id}:{reason}:{utcnow().isoformat()}"
    return await enqueue_job(session, SYNC_JOB, {"item_id": item.id, "action": reason}, key=key,
                             user_id=item.user_id, delay=delay, max_attempts=max_attempts)


async def on_item_changed(session: AsyncSession, item: Item) -> None:
    """An item changed (or is done): bring its Google event to the item's state (the job does nothing when the user
    has no Google calendar)."""
    if wants_event(item) or item.calendar_event_id is not None:
        await enqueue_sync(session, item, reason="upsert" if wants_event(item) else "delete")


async def _snapshot(ctx: JobContext, item_id: int) -> tuple[Snapshot, CalendarProvider | None] | None:
    async with ctx.units.read_only() as read:
        item = await read.get(Item, item_id)
        if item is None:
            return None
        user = await read.get(User, item.user_id)
        timezone = user.timezone if user is not None else ctx.settings.default_timezone
        provider = await provider_for_user(read, ctx.settings, item.user_id,
                                           ctx.cache.setdefault(CREDENTIALS_CACHE, {}))
        wanted = wants_event(item)
        snap = Snapshot(
            item_id=item.id, user_id=item.user_id,
            op=plan(item.calendar_event_id, wanted=wanted, has_provider=provider is not None),
            event_id=event_id_for(item.user_id, item.id),
            event=event_from_item(item, timezone) if wanted else None, fingerprint=fingerprint(item),
        )
    return snap, provider


async def _call(snap: Snapshot, provider: CalendarProvider) -> tuple[Outcome, str]:
    try:
        if snap.op is Op.CREATE:
            assert snap.event is not None
            await provider.upsert_event(snap.event_id, snap.event)
        elif snap.op is Op.UPDATE:
            assert snap.event is not None
            await provider.patch_event(snap.event_id, snap.event)
        elif snap.op is Op.DELETE:
            await provider.delete_event(snap.event_id)
    except CalendarError as exc:
        return (Outcome.RETRY if exc.transient else Outcome.GIVE_UP), exc.message
    return Outcome.OK, ""


async def sync_item(ctx: JobContext) -> None:
    """The ``calendar.sync`` job: payload ``{"item_id", "action"}`` (the action is informative; the item's
    current state decides what to do)."""
    loaded = await _snapshot(ctx, int(ctx.job.payload["item_id"]))
    if loaded is None:
        return
    snap, provider = loaded
    log_ = log.bind(item_id=snap.item_id, op=snap.op.value, job_id=ctx.job.id)
    if snap.op is Op.NONE:
        return
    outcome, error = (Outcome.OK, "") if provider is None else await _call(snap, provider)

    session = ctx.session
    item = await session.get(Item, snap.item_id, with_for_update=True, populate_existing=True)
    if item is None or item.calendar_event_id == FAILED:
        return
    if snap.op is Op.CLEAR:
        if item.calendar_event_id == PENDING:
            item.calendar_event_id, item.calendar_attempts = None, 0
        return
    if outcome is Outcome.OK:
        item.calendar_event_id = None if snap.op is Op.DELETE else snap.event_id
        item.calendar_attempts = 0
        log_.info("calendar.synced")
    else:
        await _failed(ctx, item, outcome, error, log_)
    if fingerprint(item) != snap.fingerprint and item.calendar_event_id not in (PENDING, FAILED):
        await enqueue_sync(session, item, reason=f"recheck-{ctx.job.id}")


async def _failed(ctx: JobContext, item: Item, outcome: Outcome, error: str, log_: Any) -> None:
    settings = ctx.settings
    item.calendar_attempts = attempts = item.calendar_attempts + 1
    if outcome is Outcome.GIVE_UP or attempts >= settings.calendar_max_attempts:
        item.calendar_event_id = FAILED
        log_.warning("calendar.failed", attempts=attempts, error=error)
        return
    item.calendar_event_id = PENDING
    base = settings.calendar_retry_base
    delay = backoff_seconds(attempts, base, base * 2 ** (settings.calendar_max_attempts - 1))
    await enqueue_sync(ctx.session, item, reason=f"retry-{attempts}", delay=delay)
    log_.info("calendar.pending", attempts=attempts, retry_in=round(delay, 2), error=error)
