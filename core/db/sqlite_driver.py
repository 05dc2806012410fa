"""SQLite through aiosqlite with no thread hop for most statements, and one instead of three or four for the rest.

aiosqlite runs each sqlite3 call on its connection's own thread, and SQLAlchemy's adapter makes a call of every step
of a statement: open a cursor, execute, fetch the rows, close the cursor; and a ROLLBACK when the pool takes the
connection back, even after a COMMIT. Each call is a round trip between the event loop and that thread (a queue, a
wake-up, a callback into the loop), about as much CPU as the statement itself: a unit of work with one SELECT made
nine of them. Here a statement's steps run together in one call, a unit's BEGIN goes with its first statement, and
a COMMIT or ROLLBACK with no transaction open makes none. What SQLAlchemy sees does not change: the rows, the
description, rowcount and lastrowid of the statement.

Even one hop costs about as much CPU as the statement (a SELECT by key: ~200 µs through SQLAlchemy with the hop, ~120
without; sqlite3 itself takes 5). So a statement first runs on the event loop's thread, where it cannot wait: a unit's
``BEGIN IMMEDIATE`` is tried with no busy timeout, and a SELECT is stopped by SQLite's progress handler once it has
run ``INLINE_READ_BUDGET``. A statement that found the write lock taken, or a long read, runs again in the driver's
thread as before (waiting for the lock there, with the busy timeout; the event loop goes on meanwhile). Writes by
key, the statements of this product's units of work, are short: they run to the end on the loop's thread (one taking
over ``SLOW_INLINE`` is logged, without its parameters); a ROLLBACK (a read-only unit's end) runs there too. A batch
(``executemany``), a ``WITH`` statement and COMMIT (which may checkpoint the WAL, with an fsync) keep the thread.
Nothing runs on the loop's thread while the driver's thread still has a call of the connection to finish (one whose
awaiting task was cancelled, a COMMIT at shutdown): it queues behind it, as every statement did.

Installed on each SQLite connection as it is made (``core.db.engine``), by giving the adapter SQLAlchemy created
this subclass; server-side cursors (``stream()``) keep aiosqlite's own path, after the unit's BEGIN.
"""

from __future__ import annotations

import collections
import sqlite3
import time
from typing import Any

import structlog
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_ss_cursor,
)
from sqlalchemy.util import immutabledict

_NOTHING_MEMOIZED: immutabledict[str, Any] = immutabledict()
log = structlog.get_logger(__name__)

BUSY_TIMEOUT_MS = 60_000  # how long a statement in the driver's thread waits for the write lock (core.db.engine)
INLINE_READ_BUDGET = 0.002  # s: a SELECT running longer on the event loop's thread goes to the driver's thread
SLOW_INLINE = 0.05  # s: a write that held the event loop longer is logged
_PROGRESS_STEPS = 1000  # SQLite VM instructions between two looks at the clock of an inline SELECT


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


class _Again(Exception):
    """The statement could not run on the event loop's thread without waiting: run it in the driver's thread."""

    def __init__(self, begin: str | None) -> None:
        self.begin = begin  # the unit's BEGIN, if it is still to be sent


def _code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0)) & 0xFF  # the primary result code (extended codes add bits)


def _inline(conn: sqlite3.Connection, operation: str, parameters: Any, begin: str | None, verb: str
            ) -> tuple[_Outcome, list[Any] | None]:
    """``_run`` on the calling (event loop's) thread, or ``_Again`` when that would mean waiting (``verb``: the
    statement's first word, ``_verb``)."""
    if begin is not None:
        if begin == "BEGIN":  # deferred: takes no lock
            conn.execute(begin)
        else:
            conn.execute("PRAGMA busy_timeout=0")
            try:
                conn.execute(begin)
            except sqlite3.OperationalError as exc:
                if _code(exc) == sqlite3.SQLITE_BUSY:
                    raise _Again(begin) from None
                raise
            finally:
                conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    reading = verb == "SELECT"
    started = time.perf_counter()
    if reading:
        deadline = started + INLINE_READ_BUDGET
        conn.set_progress_handler(lambda: time.perf_counter() > deadline, _PROGRESS_STEPS)
    in_transaction = conn.in_transaction
    try:
        return _run(conn, operation, parameters, False)
    except sqlite3.OperationalError as exc:
        # a SELECT stopped by the budget leaves the transaction as it was (SQLite rolls back only interrupted writes)
        if reading and _code(exc) == sqlite3.SQLITE_INTERRUPT and conn.in_transaction == in_transaction:
            raise _Again(None) from None
        raise
    finally:
        if reading:
            conn.set_progress_handler(None, 0)
        elif time.perf_counter() - started > SLOW_INLINE:
            log.warning("sqlite.slow_inline", statement=verb,
                        ms=round((time.perf_counter() - started) * 1000))


def _verb(operation: Any) -> str:
    """A statement's first word, upper case (at most six letters: what the inline path tells apart)."""
    return operation.lstrip()[:6].upper() if isinstance(operation, str) else ""


_CALLS = "_secretary_thread_calls"  # attribute of the aiosqlite connection: [calls queued, calls finished]


def _track_thread_calls(connection: Any) -> None:
    """Count the calls queued to the driver's thread and those it finished (each count written by one thread only).
    A call goes on after the task that awaited it was cancelled (its COMMIT, say): until it has finished, nothing
    runs on the loop's thread, where it would use the connection beside it; the next statement queues behind it."""
    calls = [0, 0]

    async def _execute(fn: Any, *args: Any, **kwargs: Any) -> Any:
        def counted() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                calls[1] += 1

        counted.__name__ = getattr(fn, "__name__", counted.__name__)  # what the call is, for whoever looks
        if not connection._running or not connection._connection:
            raise ValueError("Connection closed")  # as aiosqlite says it, before queueing anything
        calls[0] += 1
        return await type(connection)._execute(connection, counted)  # aiosqlite's own, looked up at each call

    connection._execute = _execute
    setattr(connection, _CALLS, calls)


def _thread_busy(connection: Any) -> bool:
    calls: list[int] | None = getattr(connection, _CALLS, None)
    return calls is not None and calls[0] != calls[1]


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
            conn = self._connection._conn  # type: ignore[attr-defined]
            verb = _verb(operation)
            try:
                if not verb or verb.startswith("WITH") or _thread_busy(self._connection):
                    raise _Again(begin)
                outcome, rows = _inline(conn, operation, parameters, begin, verb)
            except _Again as again:
                outcome, rows = await self._connection._execute(  # type: ignore[attr-defined]
                    _run, conn, operation, parameters, False, again.begin)
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
        if self._idle():  # the pool's reset after a COMMIT: nothing to roll back, no call to make
            return
        if _thread_busy(self._connection):  # behind what the driver's thread is still doing on the connection
            super().rollback()
            return
        try:  # on the event loop's thread: discarding a transaction (a read-only unit's end) waits for nothing
            self._connection._conn.rollback()  # type: ignore[attr-defined]
        except Exception as error:
            self._handle_exception(error)

    def commit(self) -> None:
        if not self._idle():
            super().commit()


def install(dbapi_connection: Any) -> None:
    """Make a new SQLite connection's adapter this module's (same slots, more methods)."""
    if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
        dbapi_connection.__class__ = OneHopConnection
        _track_thread_calls(dbapi_connection._connection)
