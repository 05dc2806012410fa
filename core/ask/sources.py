"""What /ask reads besides the shared search index: apps that compute exact figures for a question register a
reader here at start-up (the journal's sums and counts, see ``secretary/apps.py``); /ask knows none of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from core.ai.index import Fact
from core.users.models import User

QuestionReader = Callable[[AsyncSession, User, str, dt.datetime], Awaitable[Fact | None]]

_readers: list[QuestionReader] = []


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
