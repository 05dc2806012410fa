"""Items built in memory for the pure rules' tests (no database)."""

from __future__ import annotations

import datetime as dt

from core.items.models import Item, ItemKind, ItemStatus


def scheduled_item(kind: ItemKind = ItemKind.MEETING, start: dt.datetime | None = None, **extra: object) -> Item:
    """Item #7 (row 2) of user 1, "Lunch", scheduled at ``start``."""
    values: dict[str, object] = {"id": 2, "user_id": 1, "number": 7, "kind": kind, "status": ItemStatus.SCHEDULED,
                                 "title": "Lunch", "text": "lunch with Ann", "starts_at": start, "remind_at": None}
    values.update(extra)
    return Item(**values)
