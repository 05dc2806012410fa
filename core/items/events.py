"""What happened to an item, published to whoever listens (calendar sync, reminders, filing into topics).

Items know none of their listeners: each reacting app subscribes at start-up (the composition root wires them),
and a listener runs inside the publishing unit of work, so that the jobs it queues commit with the change.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from core.items.models import Item


class ItemEvent(enum.StrEnum):
    CREATED = "created"  # a new item (it may be scheduled right after, which is a CHANGED)
    CHANGED = "changed"  # scheduled, rescheduled, cancelled, restored by undo
    DONE = "done"


Listener = Callable[[AsyncSession, Item], Awaitable[None]]

_listeners: dict[ItemEvent, list[Listener]] = {event: [] for event in ItemEvent}


def subscribe(listener: Listener, *events: ItemEvent) -> None:
    """Call ``listener`` on each of ``events``, in the order of subscription; subscribing twice is a no-op."""
    for event in events:
        if listener not in _listeners[event]:
            _listeners[event].append(listener)


def listeners(event: ItemEvent) -> list[Listener]:
    return list(_listeners[event])


async def publish(session: AsyncSession, item: Item, event: ItemEvent) -> None:
    """Tell the listeners (cheap: they queue jobs and set fields; they never commit)."""
    if item.id is None:
        await session.flush()
    for listener in _listeners[event]:
        await listener(session, item)
