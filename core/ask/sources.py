"""What /ask reads besides the shared search index: apps that compute exact figures for a question register a
reader here at start-up (the journal's sums and counts, see ``secretary/apps.py``), and apps that keep texts in the
index a catch-up that indexes what the index lacks (the journal's entries written before it existed); /ask knows none
of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from core.ai.index import Fact
from core.ask import notes
from core.users.models import User

QuestionReader = Callable[[AsyncSession, User, str, dt.datetime], Awaitable[Fact | None]]

IndexCatchUp = Callable[[AsyncSession, int], Awaitable[int]]

_readers: list[QuestionReader] = []
_catch_ups: list[IndexCatchUp] = []


def register_reader(reader: QuestionReader) -> None:
    """Idempotent (a process may wire several runtimes, the tests do)."""
    if reader not in _readers:
        _readers.append(reader)


async def read_question(session: AsyncSession, user: User, question: str, now: dt.datetime) -> Fact | None:
    """The first figure a reader computes; else the first filters one names; else None."""
    found: Fact | None = None
    for reader in _readers:
        fact = await reader(session, user, question, now)
        if fact is not None and fact.kind is not None:
            return fact
        found = found or fact
    return found


def register_catch_up(catch_up: IndexCatchUp) -> None:
    """Idempotent, as ``register_reader``."""
    if catch_up not in _catch_ups:
        _catch_ups.append(catch_up)


async def catch_up(session: AsyncSession, user_id: int) -> int:
    """Before an answer: the user's texts the index lacks — /ask's own notes, then every registered app's — indexed;
    how many."""
    return await notes.catch_up(session, user_id) + sum([await each(session, user_id) for each in _catch_ups])
