"""Who else may take a spoken text before it becomes an item. The voice app knows none of the apps (they do not
import each other): an app that reads spoken texts (the journal: "потратил 450 на кофе" is an entry) is subscribed at
start-up (``secretary/apps.py``); the first that takes the text answers it, else the items app does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.i18n import Translator
from core.presenters import Presenters
from core.telegram.outbox import Outbox
from core.users.models import User


@dataclass(frozen=True)
class Spoken:
    """A transcript, with what a taker needs to answer it in the voice job's unit of work."""

    session: AsyncSession
    settings: Settings
    presenters: Presenters
    outbox: Outbox
    user: User
    t: Translator
    text: str
    chat_id: int
    message_id: int | None
    now: dt.datetime


Taker = Callable[[Spoken], Awaitable[bool]]
_takers: list[Taker] = []


def subscribe(taker: Taker) -> None:
    """Idempotent (a process may build several runtimes, the tests do)."""
    if taker not in _takers:
        _takers.append(taker)


async def offer(spoken: Spoken) -> bool:
    """Whether a subscribed app took the text (and answered it)."""
    for taker in _takers:
        if await taker(spoken):
            return True
    return False
