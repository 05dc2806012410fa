"""SQLite through aiosqlite with one thread hop per statement instead of three or four.

aiosqlite runs each sqlite3 call on its connection's own thread, and SQLAlchemy's adapter makes a call of every step
of a statement: open a cursor, execute, fetch the rows, close the cursor; and a ROLLBACK when the pool takes the
connection back, even after a COMMIT. Each call is a round trip between the event loop and that thread (a queue, a
wake-up, a callback into the loop), about as much CPU as the statement itself: a unit of work with one SELECT made
nine of them. Here a statement's steps run together in one call, a unit's BEGIN goes with its first statement, and
a COMMIT or ROLLBACK with no transaction open makes none. What SQLAlchemy sees does not change: the rows, the
description, rowcount and lastrowid of the statement.

Installed on each SQLite connection as it is made (``core.db.engine``), by giving the adapter SQLAlchemy created
this subclass; server-side cursors (``stream()``) keep aiosqlite's own path, after the unit's BEGIN.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_ss_cursor,
)
from sqlalchemy.util import immutabledict

_NOTHING_MEMOIZED: immutabledict[str, Any] = immutabledict()


class _Outcome:
    """What a statement left on its cursor, read in the driver's thread before the cursor was closed."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, description: Any = None, rowcount: int = -1, lastrowid: int | None = None) -> None:
        self.description = description
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self.arraysize = 1

    async def close(self) -> None:
        """Already closed (SQLAlchemy's soft close awaits this)."""


_BEGINS = frozenset({"BEGIN", "BEGIN IMMEDIATE"})  # what core.db.engine emits to open a unit of work
_PENDING_BEGIN = "_secretary_pending_begin"  # attribute of the aiosqlite connection: a BEGIN not sent yet


def _run(conn: sqlite3.Connection, operation: str, parameters: Any, many: bool,
         begin: str | None = None) -> tuple[_Outcome, list[Any] | None]:
    """One statement, whole, in the driver's thread: the unit's BEGIN if it is still to be sent, then execute, fetch
    what it returns, close the cursor."""
    if begin is not None:
        conn.execute(begin)  # BEGIN IMMEDIATE waits here for the write lock (busy_timeout), as it did on its own
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else None
        return _Outcome(cursor.description, cursor.rowcount, cursor.lastrowid), rows
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def __init__(self, adapt_connection: Any) -> None:  # no cursor is opened here: each statement opens its own
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = _Outcome()  # type: ignore[assignment]
        self._soft_closed_memoized = _NOTHING_MEMOIZED
        self._rows = collections.deque()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        if operation in _BEGINS and not parameters:  # sent with the unit's first statement: one call less
            setattr(self._connection, _PENDING_BEGIN, operation)
            self._cursor = _Outcome()  # type: ignore[assignment]
            self._rows = collections.deque()
            return None
        async with self._adapt_connection._execute_mutex:
            begin = _take_begin(self._connection)
            outcome, rows = await self._connection._execute(  # type: ignore[attr-defined]
                _run, self._connection._conn, operation, parameters, False, begin)  # type: ignore[attr-defined]
        self._cursor = outcome  # type: ignore[assignment]
        self._rows = collections.deque(rows or ())
        return None

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        async with self._adapt_connection._execute_mutex:
            begin = _take_begin(self._connection)
            outcome, _ = await self._connection._execute(  # type: ignore[attr-defined]
                _run, self._connection._conn, operation, seq_of_parameters, True, begin)  # type: ignore[attr-defined]
        self._cursor = outcome  # type: ignore[assignment]
        return None

    async def _async_soft_close(self) -> None:
        """The statement's cursor is closed already."""

    def close(self) -> None:
        self._rows.clear()


class BeginFirstStreamCursor(AsyncAdapt_aiosqlite_ss_cursor):
    """aiosqlite's own server-side cursor (``stream()``), which sends the unit's pending BEGIN on its own first."""

    __slots__ = ()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        begin = _take_begin(self._connection)
        if begin is not None:
            await self._connection._execute(self._connection._conn.execute, begin)  # type: ignore[attr-defined]
        return await super()._execute_async(operation, parameters)


def _take_begin(connection: Any) -> str | None:
    begin: str | None = getattr(connection, _PENDING_BEGIN, None)
    if begin is not None:
        setattr(connection, _PENDING_BEGIN, None)
    return begin


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneHopCursor
    _ss_cursor_cls = BeginFirstStreamCursor

    def _idle(self) -> bool:
        """No transaction is open (read from sqlite3 itself; the driver's thread is not running a call then). A BEGIN
        still waiting for the unit's first statement is dropped: that unit never opened its transaction."""
        _take_begin(self._connection)
        conn = self._connection._connection  # type: ignore[attr-defined]
        return conn is not None and not conn.in_transaction

    def rollback(self) -> None:
        if not self._idle():  # the pool's reset after a COMMIT: nothing to roll back, no call to make
            super().rollback()

    def commit(self) -> None:
        if not self._idle():
            super().commit()


def install(dbapi_connection: Any) -> None:
    """Make a new SQLite connection's adapter this module's (same slots, more methods)."""
    if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
        dbapi_connection.__class__ = OneHopConnection
