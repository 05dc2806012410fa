"""Filters checked on the event loop.

aiogram runs a plain callable filter — a magic filter such as ``F.text`` included — in a worker thread
(``asyncio.to_thread``) for every update it is checked against. For a filter that only reads an attribute that
thread hop costs far more than the check: a context switch, a wake-up of the event loop and the GIL handed back
and forth. ``Magic`` checks the same magic filter in the event loop instead.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter


class Magic(Filter):
    """``router.message(Magic(F.text))`` behaves exactly as ``router.message(F.text)``, without the thread."""

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)

    def __str__(self) -> str:
        return f"Magic({self.magic!r})"
