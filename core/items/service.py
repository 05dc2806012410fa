"""Item rules: capture any text as an item, schedule, done, cancel, undo. Services flush, never commit.

Every change the user makes is written to the undo log (``item_changes``) with the item's state before it,
and published (``core.items.events``) in the same unit of work: calendar sync, reminders and filing listen.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.dates import ParsedDate, parse, parse_set_command, recurrence
from core.db.base import utcnow
from core.db.engine import execute_core
from core.db.values import is_bigint
from core.errors import DomainError
from core.items import repository
from core.items.classify import classify, make_title, title_for
from core.items.events import ItemEvent, publish
from core.items.models import OPEN_STATUSES, ChangeAction, Item, ItemChange, ItemKind, ItemStatus
from core.users.models import User

DEFAULT_MEETING_MIN = 60
MAX_NUMBER = 2**31 - 1  # the #ID column is an INTEGER: a larger #ID names no item


class ItemError(DomainError):
    """ERR_ITEM_NOT_FOUND (``params["number"]`` is the #ID the user gave), ERR_ITEM_GONE (a button of an
    item that is not the presser's), ERR_ITEM_ALREADY_DONE, ERR_ITEM_ALREADY_CANCELLED, ERR_NOTHING_TO_UNDO,
    ERR_ITEM_NOT_REPEATING (Skip on a one-off item), ERR_ITEM_CANCELLED (a new time for a cancelled item),
    ERR_ITEM_BAD_* (a value the API was given). Over HTTP: 404 for no such item of the user's, 409 for a state that
    forbids the change, 400 for the rest."""

    STATUS = {"ERR_ITEM_NOT_FOUND": 404, "ERR_ITEM_GONE": 404, "ERR_ITEM_ALREADY_DONE": 409,
              "ERR_ITEM_ALREADY_CANCELLED": 409, "ERR_ITEM_CANCELLED": 409, "ERR_NOTHING_TO_UNDO": 409,
              "ERR_QUESTION_EXPIRED": 409}

    def __init__(self, code: str, message: str = "", **params: Any) -> None:
        super().__init__(code, message, **params)
        self.status_code = self.STATUS.get(code, 400)


def not_found(number: int) -> ItemError:
    return ItemError("ERR_ITEM_NOT_FOUND", f"no item #{number}", number=number)


def default_duration(kind: str) -> int | None:
    return DEFAULT_MEETING_MIN if kind == ItemKind.MEETING else None


def start_at(day: dt.date, time: dt.time, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


# --- the undo log -----------------------------------------------------------------------------------

_STATE_DATES = ("starts_at", "remind_at")


def snapshot(item: Item) -> dict[str, Any]:
    state: dict[str, Any] = {"status": item.status, "duration_min": item.duration_min,
                             "due_date": item.due_date.isoformat() if item.due_date else None}
    for name in _STATE_DATES:
        value = getattr(item, name)
        state[name] = value.isoformat() if value else None
    return state


def restore(item: Item, state: dict[str, Any]) -> None:
    item.status = state["status"]
    item.duration_min = state["duration_min"]
    item.due_date = dt.date.fromisoformat(state["due_date"]) if state["due_date"] else None
    for name in _STATE_DATES:
        setattr(item, name, dt.datetime.fromisoformat(state[name]) if state[name] else None)


# built once, and sent as plain SQL: an ORM add and flush of the row cost twice the CPU (every note writes one)
_LOG_CHANGE = insert(ItemChange).values(user_id=bindparam("b_user"), item_id=bindparam("b_item"),
                                        action=bindparam("b_action"), before=bindparam("b_before"),
                                        created_at=bindparam("b_now"))


async def log_change(session: AsyncSession, item: Item, action: ChangeAction, before: dict[str, Any]) -> None:
    await session.flush()  # the change it records goes first (nothing to do when the item was flushed already)
    await execute_core(session, _LOG_CHANGE, {"b_user": item.user_id, "b_item": item.id, "b_action": action.value,
                                              "b_before": before, "b_now": utcnow()})


# --- creating ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Origin:
    """Where a message is: its chat and id, its album, and — when forwarded — whom it came from and when they sent
    it (``forwarded_from`` is a display name: "Ann", "News (@news)"). Its fields are the item's columns of the same
    names (``new_item`` writes them as they are)."""

    chat_id: int
    message_id: int
    media_group_id: str | None = None
    forwarded_from: str | None = None
    forwarded_at: dt.datetime | None = None


async def new_item(session: AsyncSession, user_id: int, kind: ItemKind, title: str, text: str, *,
                   source: str = "text", due_date: dt.date | None = None, recurrence: str | None = None,
                   origin: Origin | None = None) -> Item:
    """A new item, made of the chat message ``origin`` when it comes from one (written with the item: one INSERT).
    A message that made an item already makes no second one (the unique index on the chat and message id)."""
    # the columns set later in the same unit of work start here, with the value they will most likely get (None, or
    # the day its words say): assigning the same value again writes nothing; left unset, each would cost an UPDATE
    # right after the INSERT
    item = Item(user_id=user_id, number=await repository.next_number(session, user_id), kind=kind,
                status=ItemStatus.INBOX, title=title, text=text, source=source, due_date=due_date,
                recurrence=recurrence, **(vars(origin) if origin is not None else {}))
    session.add(item)
    await session.flush()
    await log_change(session, item, ChangeAction.CREATE, {})
    await publish(session, item, ItemEvent.CREATED)
    return item


async def create_note(session: AsyncSession, user_id: int, text: str, *, source: str = "text") -> Item:
    """A note as it is, without reading dates or kinds (imports, explicit notes)."""
    return await new_item(session, user_id, ItemKind.NOTE, make_title(text), text, source=source)


@functools.lru_cache(maxsize=64)
def read(text: str, now: dt.datetime, tz: str) -> tuple[ItemKind, str, ParsedDate]:
    """The kind, the title and the date/time a text speaks of. A pure function of its arguments, remembered for the
    last few: a chat message is read by the journal's routing and then by the items app, at the update's one moment
    (the bot's ``now``)."""
    parsed = parse(text, now, tz)
    kind = classify(text, parsed)
    return kind, title_for(kind, text, parsed), parsed


# --- scheduling -------------------------------------------------------------------------------------

def apply_schedule(item: Item, start: dt.datetime, duration_min: int | None) -> None:
    item.status = ItemStatus.SCHEDULED
    item.starts_at = start
    item.duration_min = duration_min
    item.due_date = None  # the reminder moment (remind_at) is the reminders listener's to set


async def schedule(session: AsyncSession, item: Item, start: dt.datetime, duration_min: int | None, *,
                   log: bool = True) -> Item:
    """Schedule (or reschedule, or reopen) an item at ``start``; drops a question pending about it."""
    before = snapshot(item)
    apply_schedule(item, start, duration_min)
    await session.flush()
    if log:
        await log_change(session, item, ChangeAction.RESCHEDULE, before)
    await repository.drop_pending(session, item.user_id, item.id)
    await publish(session, item, ItemEvent.CHANGED)
    return item


async def set_from_command(session: AsyncSession, user_id: int, tz: str, args: str, now: dt.datetime) -> Item:
    """``/set #ID [date] [в] HH[:MM] [minutes]``: raises DateParseError (bad command) or ItemError."""
    number, when = parse_set_command(args, now, tz)
    item = await owned(session, user_id, number)
    assert when.date is not None and when.time is not None  # parse_set_command guarantees both
    duration = when.duration_min or item.duration_min or default_duration(item.kind)
    return await schedule(session, item, start_at(when.date, when.time, tz), duration)


async def reschedule(session: AsyncSession, item: Item, day: dt.date, time: dt.time, duration_min: int | None,
                     tz: str) -> Item:
    """A date and time given outright (the API's schedule; /set's rules): the duration given, else the item's, else
    its kind's. A cancelled item is not reopened this way (ERR_ITEM_CANCELLED): undo brings it back."""
    if item.status == ItemStatus.CANCELLED:
        raise ItemError("ERR_ITEM_CANCELLED", f"#{item.number} is cancelled", number=item.number)
    duration = duration_min or item.duration_min or default_duration(item.kind)
    return await schedule(session, item, start_at(day, time, tz), duration)


MAX_TITLE = 500
MAX_TEXT = 10_000


async def edit(session: AsyncSession, item: Item, *, title: str | None = None, text: str | None = None,
               kind: str | None = None) -> Item:
    """Change what an item says or is (not undoable: the undo log keeps states, not words). The calendar follows."""
    if kind is not None and kind not in set(ItemKind):
        raise ItemError("ERR_ITEM_BAD_KIND", f"unknown kind {kind!r}")
    if title is not None and not title.strip():
        raise ItemError("ERR_ITEM_TITLE_REQUIRED", "the title is empty")
    if title is not None and len(title.strip()) > MAX_TITLE:
        raise ItemError("ERR_ITEM_TITLE_TOO_LONG", f"a title is at most {MAX_TITLE} characters", limit=MAX_TITLE)
    if text is not None and len(text) > MAX_TEXT:
        raise ItemError("ERR_ITEM_TEXT_TOO_LONG", f"a text is at most {MAX_TEXT} characters", limit=MAX_TEXT)
    item.title = title.strip() if title is not None else item.title
    item.text = text if text is not None else item.text
    item.kind = kind if kind is not None else item.kind
    await session.flush()
    await publish(session, item, ItemEvent.CHANGED)
    return item


# --- done, cancel, undo -----------------------------------------------------------------------------

async def owned(session: AsyncSession, user_id: int, number: int) -> Item:
    """The user's item #``number``, locked for the change about to be made (see ``repository.by_id``)."""
    item = await repository.by_number(session, user_id, number, lock=True) if 0 < number <= MAX_NUMBER else None
    if item is None:
        raise not_found(number)
    return item


async def owned_by_id(session: AsyncSession, user_id: int, item_id: int, *, lock: bool = True) -> Item:
    """The user's item by row id, locked for the change about to be made unless ``lock=False`` (only to read it)."""
    item = await repository.by_id(session, user_id, item_id, lock=lock) if is_bigint(item_id) else None
    if item is None:
        raise ItemError("ERR_ITEM_GONE", "no such item of this user")
    return item


async def _finish(session: AsyncSession, item: Item, status: ItemStatus, action: ChangeAction, code: str) -> Item:
    if item.status == status:
        raise ItemError(code, f"#{item.number} is {status} already", number=item.number)
    before = snapshot(item)
    item.status = status
    await session.flush()
    await log_change(session, item, action, before)
    await repository.drop_pending(session, item.user_id, item.id)
    await publish(session, item, ItemEvent.DONE if status == ItemStatus.DONE else ItemEvent.CHANGED)
    return item


# --- repeating items -------------------------------------------------------------------------------

async def _zone(session: AsyncSession, user_id: int) -> str:
    user = await session.get(User, user_id)
    return user.timezone if user is not None else "UTC"


def next_due(item: Item, tz: str, now: dt.datetime) -> tuple[dt.datetime | None, dt.date | None] | None:
    """Where a repeating item goes after this occurrence: the first occurrence after both the current one and
    ``now`` — (start, None) for an item with a time, (None, day) for one with a day only; None when the rule has
    no more occurrences (or the item has no day to count from)."""
    if not item.recurrence:
        return None
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone).replace(tzinfo=None)
    if item.starts_at is not None:
        current = item.starts_at.astimezone(zone).replace(tzinfo=None)
        found = recurrence.occurrence_after(item.recurrence, current, max(current, local_now))
        return (found.replace(tzinfo=zone).astimezone(dt.UTC), None) if found else None
    if item.due_date is not None:
        current = dt.datetime.combine(item.due_date, dt.time())
        today = dt.datetime.combine(local_now.date(), dt.time()) - dt.timedelta(microseconds=1)
        found = recurrence.occurrence_after(item.recurrence, current, max(current, today))
        return (None, found.date()) if found else None
    return None


async def _advance(session: AsyncSession, item: Item, action: ChangeAction, now: dt.datetime) -> bool:
    """This occurrence is done (or skipped): the item moves to the next one. False when there is none."""
    moved = next_due(item, await _zone(session, item.user_id), now)
    if moved is None:
        return False
    before = snapshot(item)
    item.starts_at, item.due_date = moved
    await session.flush()
    await log_change(session, item, action, before)
    await repository.drop_pending(session, item.user_id, item.id)
    await publish(session, item, ItemEvent.CHANGED)
    return True


async def roll_to(session: AsyncSession, item: Item, start: dt.datetime) -> bool:
    """A repeating item whose occurrence went by without Done or Skip moves on to ``start`` (a later occurrence of
    its rule) when that one's reminder comes. Not a change of the user's: nothing to undo. False if ``start`` is no
    later occurrence of the item."""
    if not is_repeating(item) or item.starts_at is None or item.recurrence is None or start <= item.starts_at:
        return False
    zone = ZoneInfo(await _zone(session, item.user_id))
    current = item.starts_at.astimezone(zone).replace(tzinfo=None)
    if not recurrence.is_occurrence(item.recurrence, current, start.astimezone(zone).replace(tzinfo=None)):
        return False
    item.starts_at = start
    await session.flush()
    await repository.drop_pending(session, item.user_id, item.id)
    await publish(session, item, ItemEvent.CHANGED)
    return True


def is_repeating(item: Item) -> bool:
    return bool(item.recurrence) and item.status in OPEN_STATUSES


async def mark_done(session: AsyncSession, item: Item, now: dt.datetime | None = None) -> Item:
    """Done. On a repeating item: this occurrence is done and the item moves to the next one (the series goes on;
    cancel stops it)."""
    if is_repeating(item) and await _advance(session, item, ChangeAction.DONE, now or utcnow()):
        return item
    return await _finish(session, item, ItemStatus.DONE, ChangeAction.DONE, "ERR_ITEM_ALREADY_DONE")


async def skip(session: AsyncSession, item: Item, now: dt.datetime | None = None) -> Item:
    """Skip this occurrence of a repeating item: it moves to the next one, not done. ERR_ITEM_NOT_REPEATING on a
    one-off item."""
    if not is_repeating(item):
        raise ItemError("ERR_ITEM_NOT_REPEATING", f"#{item.number} does not repeat", number=item.number)
    if not await _advance(session, item, ChangeAction.SKIP, now or utcnow()):
        raise ItemError("ERR_ITEM_NOT_REPEATING", f"#{item.number} has no next occurrence", number=item.number)
    return item


async def cancel(session: AsyncSession, item: Item) -> Item:
    return await _finish(session, item, ItemStatus.CANCELLED, ChangeAction.CANCEL, "ERR_ITEM_ALREADY_CANCELLED")


async def undo(session: AsyncSession, user_id: int, now: dt.datetime, item_id: int | None = None
               ) -> tuple[ItemChange, Item]:
    """Revert the user's last change not reverted yet (of one item, with ``item_id``: the API's undo); undoing a
    creation cancels the item."""
    if item_id is not None:
        await owned_by_id(session, user_id, item_id)  # another user's item is not found; this one is locked
    change = await repository.last_change(session, user_id, item_id)
    if change is None:
        raise ItemError("ERR_NOTHING_TO_UNDO", "nothing to undo")
    item = await owned_by_id(session, user_id, change.item_id)
    if change.action == ChangeAction.CREATE:
        item.status = ItemStatus.CANCELLED
    else:
        restore(item, change.before)
    change.undone_at = now
    await session.flush()
    await repository.drop_pending(session, user_id, item.id)
    await publish(session, item, ItemEvent.CHANGED)
    return change, item
