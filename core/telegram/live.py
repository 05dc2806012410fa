"""A message that shows text while it is being generated: throttled edits of one message (at most one per interval,
slower in groups, never while the previous edit is still unsent), each edit in its own short unit of work so that
the outbox sends it at once. /ask and the documents app stream their answers through it."""

from __future__ import annotations

import time
from collections.abc import Callable

from core.queue.jobs import UnitsOfWork
from core.telegram.outbox import Outbox, is_pending
from core.telegram.split import TELEGRAM_TEXT_LIMIT, split_message

CURSOR = " ▌"


def preview(text: str) -> str:
    """What the message shows while the answer is still coming: its first part and a cursor."""
    parts = split_message(text, TELEGRAM_TEXT_LIMIT - len(CURSOR))
    return parts[0] + CURSOR if parts else ""


def edit_interval(chat_id: int, interval: float, group_per_minute: int) -> float:
    """Seconds between two edits of a streamed answer: ``interval``, or slower in a group, whose limit is
    20 messages a minute."""
    if chat_id < 0 and group_per_minute > 0:
        return max(interval, 60.0 / group_per_minute)
    return interval


class Throttle:
    """At most one event per ``interval`` seconds."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self._last: float | None = None

    def due(self) -> bool:
        return self._last is None or self.clock() - self._last >= self.interval

    def mark(self) -> None:
        self._last = self.clock()


class LiveMessage:
    """One message (``target``: the outbox row that sent it), edited with the text so far at most once per
    ``interval``; ``show`` with ``force`` edits now (a new phase), still never on top of an unsent edit."""

    def __init__(self, units: UnitsOfWork, chat_id: int, target: int | None, key: str, interval: float) -> None:
        self.units = units
        self.chat_id = chat_id
        self.target = target
        self.key = key
        self.throttle = Throttle(interval)
        self.shown = ""
        self.edits = 0
        self._last_edit: int | None = None

    async def update(self, text: str) -> None:
        """The text so far, with a cursor."""
        await self.show(preview(text))

    async def show(self, shown: str, *, force: bool = False) -> None:
        if self.target is None or not (force or self.throttle.due()):
            return
        if not shown or shown == self.shown:
            return
        self.throttle.mark()
        async with self.units.unit_of_work() as session:
            if self._last_edit is not None and await is_pending(session, self._last_edit):
                return  # the outbox is behind (rate limits): do not queue edits on edits
            self.edits += 1
            self._last_edit = await Outbox(session, self.key).edit_text(
                self.chat_id, shown, outbox_id=self.target, parse_mode=None, key=f"{self.key}:{self.edits}")
        self.shown = shown
