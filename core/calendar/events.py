"""What an item looks like as a calendar event, and its deterministic Google event id."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.items.models import Item, ItemKind

PENDING = "PENDING"  # a sync attempt failed; a retry is scheduled
FAILED = "FAILED"  # CALENDAR_MAX_ATTEMPTS spent (or Google refused for good); skipped from now on
DEFAULT_DURATION_MIN = {ItemKind.MEETING: 60, ItemKind.TASK: 30, ItemKind.REMINDER: 15}


def event_id_for(user_id: int, item_id: int) -> str:
    """A Google event id fixed by the item: base32hex ([a-v0-9]), 29 characters.

    Inserting the same item twice (a retry after a crash between the insert and the commit) asks for the
    same id, which Google refuses with 409, so a second event can never appear.
    """
    digest = hashlib.sha256(f"{user_id}:{item_id}".encode()).digest()
    return "sec" + base64.b32hexencode(digest).decode()[:26].lower()


def is_event_id(value: str | None) -> bool:
    return bool(value) and value not in (PENDING, FAILED)


@dataclass(frozen=True)
class EventData:
    """The provider-neutral event: times in UTC, plus the zone the user sees them in."""

    summary: str
    description: str
    start: datetime
    end: datetime
    timezone: str
    recurrence: str | None = None  # an RRULE without DTSTART: the event repeats in ``timezone``'s wall-clock time


def duration_of(item: Item) -> int:
    return item.duration_min or DEFAULT_DURATION_MIN.get(ItemKind(item.kind), 30)


def event_from_item(item: Item, timezone: str) -> EventData:
    assert item.starts_at is not None
    summary = item.title or item.text[:120] or f"#{item.number}"
    description = "\n\n".join(part for part in (item.text if item.text != summary else "", f"#{item.number}") if part)
    return EventData(summary=summary, description=description, start=item.starts_at,
                     end=item.starts_at + timedelta(minutes=duration_of(item)), timezone=timezone,
                     recurrence=item.recurrence or None)
