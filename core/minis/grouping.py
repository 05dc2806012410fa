"""Read-time grouping of the move history: bursts of the same move collapse into one line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

GROUP_GAP = timedelta(seconds=300)


@dataclass(frozen=True)
class RawEvent:
    from_stage: str | None
    to_stage: str
    qty: int
    created_at: datetime


@dataclass
class EventGroup:
    from_stage: str | None
    to_stage: str
    qty: int
    timestamp: datetime  # the first event's time
    events: int
    last_at: datetime  # the latest event's time; the next one must come less than GROUP_GAP after it


def group_events(events: Iterable[RawEvent], gap: timedelta = GROUP_GAP) -> list[EventGroup]:
    """Merge neighbouring events (in time order) with the same from → to that are less than `gap` apart.

    The gap is measured from the previous event of the group, not from its first one, so a steady series
    of clicks a minute apart stays one group however long it runs. An event of another kind in between
    ends the group.
    """
    groups: list[EventGroup] = []
    for event in events:
        last = groups[-1] if groups else None
        if (last is not None and (last.from_stage, last.to_stage) == (event.from_stage, event.to_stage)
                and event.created_at - last.last_at < gap):
            last.qty += event.qty
            last.events += 1
            last.last_at = event.created_at
            continue
        groups.append(EventGroup(event.from_stage, event.to_stage, event.qty, event.created_at, 1,
                                 event.created_at))
    return groups
