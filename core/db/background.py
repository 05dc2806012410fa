"""Background work gives way to replies: a unit of work of a background task (a job of the in-process runner) waits,
before its transaction begins, while this process is answering users (``YIELD_TO``, set by that task).

Jobs and replies share one event loop. A job that runs while an update is being handled takes turns with it at every
statement, and its CPU is added to the reply's wait: at 20 notes/s on PostgreSQL the reply's p95 was 29 ms with the
jobs running beside the handlers and 21–23 ms with no job running at all (bench_stages.py). The runner already starts
a job only when no update is in flight; this also holds back the job's later transactions (its write after a read and
a think, its next batch) while one is. It waits only where the task holds no transaction (in this session or in any
other it opened), so no lock a handler needs is held while it waits, and for a bounded time, so that jobs never
starve.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


class Gate:
    """Where a background task waits (``wait``: until replies are done, or its time is up)."""

    def __init__(self, wait: Callable[[], Awaitable[object]]) -> None:
        self._wait = wait
        self._sessions: list[AsyncSession] = []  # the task's sessions so far (a job's: a few, for its lifetime)
        # the task that set it: tasks it starts (the sender's, after its commits) copy its context, not its place
        self._task = asyncio.current_task()

    async def give_way(self, session: AsyncSession) -> None:
        """Before ``session`` begins a transaction: wait, unless another session of the task is in one (it may hold
        a lock, SQLite's write lock for one, that the replies need: waiting for them would wait for ourselves)."""
        if asyncio.current_task() is not self._task:
            return
        holding = any(other.in_transaction() for other in self._sessions if other is not session)
        if session not in self._sessions:
            self._sessions.append(session)
        if not holding:
            await self._wait()


YIELD_TO: ContextVar[Gate | None] = ContextVar("secretary_yield_to", default=None)


class YieldingSession(AsyncSession):
    """An ``AsyncSession`` whose first statement of a transaction waits at ``YIELD_TO`` when the task set one. The
    methods that begin one are covered (``scalars`` and ``stream_scalars`` go through ``execute`` and ``stream``)."""

    async def _give_way(self) -> None:
        gate = YIELD_TO.get()
        if gate is not None and not self.in_transaction():
            await gate.give_way(self)

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        await self._give_way()
        return await super().execute(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        await self._give_way()
        return await super().scalar(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        await self._give_way()
        return await super().get(*args, **kwargs)

    async def connection(self, *args: Any, **kwargs: Any) -> Any:
        await self._give_way()
        return await super().connection(*args, **kwargs)

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        await self._give_way()
        await super().flush(*args, **kwargs)

    async def stream(self, *args: Any, **kwargs: Any) -> Any:
        await self._give_way()
        return await super().stream(*args, **kwargs)
