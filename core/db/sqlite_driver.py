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
run ``INLINE_READ_BUDGET``. A statement that found the write lock taken (by another process), or a long read, runs
again in the driver's thread as before (waiting for the lock there, with the busy timeout; the event loop goes on
meanwhile). Writes by key, the statements of this product's units of work, are short: they run to the end on the
loop's thread (one taking over ``SLOW_INLINE`` is logged, without its parameters). COMMIT and ROLLBACK run there too:
in WAL mode neither waits for a lock, and with ``synchronous=NORMAL`` a commit appends to the WAL without an fsync;
the checkpoints that do sync run in a worker thread (``Writers``). So a unit that does not wait for anything else
holds the write lock only for its own CPU, and the units of this process take their turns on the loop (``Turns``)
instead of in SQLite's busy handler. A batch (``executemany``) and a ``WITH`` statement keep the driver's thread.
Nothing runs on the loop's thread while the driver's thread still has a call of the connection to finish (one whose
awaiting task was cancelled, a COMMIT at shutdown): it queues behind it, as every statement did.

Installed on each SQLite connection as it is made (``core.db.engine``), by giving the adapter SQLAlchemy created
this subclass; server-side cursors (``stream()``) keep aiosqlite's own path, after the unit's BEGIN.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import time
import weakref
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
TURN_CHECK = 1.0  # s: how often a unit waiting for its turn looks whether the holder still holds it
CHECKPOINT_EVERY = 200  # commits on the loop's thread between two checkpoints of the WAL, in a worker thread


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


_TURN = "_secretary_turn"  # attribute of the aiosqlite connection: the Turns whose turn it holds
_WRITERS = "_secretary_writers"  # attribute of the aiosqlite connection: its engine's Writers


class Turns:
    """The writing units of one engine on one event loop, taking SQLite's write lock in turn.

    A unit that found the lock taken used to wait for it in the driver's thread, in SQLite's busy handler, which
    sleeps 1, 2, 5, … up to 100 ms between two tries: the lock stayed idle while the next writer slept, and under
    load a convoy formed (a unit that began in the thread holds the lock until the event loop gets back to it, so the
    next ones find it taken too). Here a unit takes its turn before its ``BEGIN IMMEDIATE`` and hands it to the
    longest waiting unit when its transaction ends: the next one begins at once, on the loop's thread.

    SQLite stays the arbiter: a turn only orders this process's units (another process's writer is still waited for
    in the driver's thread), so a turn held by mistake costs time, never correctness. A waiting unit looks every
    ``TURN_CHECK`` whether the holder is still in a transaction (a connection closed without its end takes its turn
    with it), and after ``BUSY_TIMEOUT_MS`` goes ahead, leaving it to SQLite. A unit of the task that holds the turn
    (a unit opened inside another) does not wait for itself."""

    __slots__ = ("_holder", "_task", "_waiting")

    def __init__(self) -> None:
        self._holder: Any = None  # the aiosqlite connection whose unit has the turn
        self._task: asyncio.Task[Any] | None = None
        self._waiting: collections.deque[tuple[asyncio.Future[None], Any, asyncio.Task[Any] | None]] = \
            collections.deque()

    async def take(self, connection: Any) -> None:
        task = asyncio.current_task()
        if self._holder is None:
            self._hold(connection, task)
            return
        if self._task is task or self._holder is connection:
            return
        entry = (asyncio.get_running_loop().create_future(), connection, task)
        self._waiting.append(entry)
        waited = 0.0
        try:
            while not entry[0].done():
                await asyncio.wait((entry[0],), timeout=TURN_CHECK)
                waited += TURN_CHECK
                if entry[0].done():
                    break
                if self._holder is None:  # nobody to pass it on (not expected): take it
                    self._waiting.remove(entry)
                    self._hold(connection, task)
                    return
                if self._stale():
                    log.warning("sqlite.turn_left", waited_s=round(waited, 1))
                    self.pass_on(self._holder)
                elif waited * 1000 >= BUSY_TIMEOUT_MS:
                    self._waiting.remove(entry)
                    return  # go ahead: SQLite's busy timeout decides
        except BaseException:
            if entry[0].done():  # it was ours already
                self.pass_on(connection)
            else:
                self._waiting.remove(entry)
            raise

    def _hold(self, connection: Any, task: asyncio.Task[Any] | None) -> None:
        self._holder, self._task = connection, task
        setattr(connection, _TURN, self)

    def _stale(self) -> bool:
        """The holder's unit is over though it never gave its turn back (closed, or ended outside this driver)."""
        holder = self._holder
        conn = getattr(holder, "_connection", None)
        return conn is None or not (conn.in_transaction or _thread_busy(holder))

    def pass_on(self, connection: Any) -> None:
        """``connection``'s unit is over: the longest waiting unit has the turn."""
        if self._holder is not connection:
            return
        setattr(connection, _TURN, None)
        self._holder = self._task = None
        while self._waiting:
            future, waiting, task = self._waiting.popleft()
            if not future.done():
                self._hold(waiting, task)
                future.set_result(None)
                return


class Writers:
    """What the writers of one engine share: their ``Turns``, one per event loop (a test's loop and a web client's
    may share an engine), and the checkpoints of the database's WAL.

    A COMMIT runs on the loop's thread; SQLite's automatic checkpoint, which copies the WAL into the database and
    syncs both to disk (milliseconds, more on a slow disk), would then run there too, in the commit that crosses its
    threshold. It is off on this engine's connections (``wal_autocheckpoint=0``, ``core.db.engine``): every
    ``CHECKPOINT_EVERY`` commits a PASSIVE checkpoint runs in a worker thread instead, on a connection of its own,
    beside the writers (a PASSIVE checkpoint takes no lock a writer or a reader waits for)."""

    __slots__ = ("_checkpointing", "_loops", "commits", "path")

    def __init__(self, path: str | None) -> None:
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Turns] = weakref.WeakKeyDictionary()
        self.path = path  # the database file (None: in memory, no WAL)
        self.commits = 0
        self._checkpointing = False

    def turns(self) -> Turns:
        loop = asyncio.get_running_loop()
        turns = self._loops.get(loop)
        if turns is None:
            turns = self._loops[loop] = Turns()
        return turns

    def committed(self) -> None:
        self.commits += 1
        if self.commits >= CHECKPOINT_EVERY and self.path is not None and not self._checkpointing:
            self.commits = 0
            self._checkpointing = True
            done = asyncio.get_running_loop().run_in_executor(None, checkpoint, self.path)
            done.add_done_callback(self._checkpointed)

    def _checkpointed(self, done: asyncio.Future[None]) -> None:
        self._checkpointing = False
        if not done.cancelled() and (error := done.exception()) is not None:
            log.warning("sqlite.checkpoint_failed", error=type(error).__name__)  # the next one copies it all


def checkpoint(path: str) -> None:
    """Copy what the WAL holds into the database file, without waiting for anyone (PASSIVE)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    finally:
        conn.close()


async def _take_turn(connection: Any, begin: str | None) -> None:
    """Before a unit's ``BEGIN IMMEDIATE``: wait for this connection's turn to write (``Turns``)."""
    if begin is not None and begin != "BEGIN":
        writers: Writers | None = getattr(connection, _WRITERS, None)
        if writers is not None:
            await writers.turns().take(connection)


def _end_turn(connection: Any) -> None:
    """The connection's unit is over (committed, rolled back, or the connection closed): pass the turn on."""
    turns: Turns | None = getattr(connection, _TURN, None)
    if turns is not None:
        turns.pass_on(connection)


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
        begin = _take_begin(self._connection)
        await _take_turn(self._connection, begin)
        async with self._adapt_connection._execute_mutex:
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
        begin = _take_begin(self._connection)
        await _take_turn(self._connection, begin)
        async with self._adapt_connection._execute_mutex:
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
        await _take_turn(self._connection, begin)
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
        try:
            if self._idle():  # the pool's reset after a COMMIT: nothing to roll back, no call to make
                return
            self._end(rollback=True)
        finally:
            _end_turn(self._connection)

    def commit(self) -> None:
        try:
            if not self._idle():
                self._end(rollback=False)
        finally:
            _end_turn(self._connection)

    def _end(self, *, rollback: bool) -> None:
        """COMMIT or ROLLBACK on the event loop's thread: in WAL mode neither waits for a lock, and a commit only
        appends the unit's pages to the WAL (``synchronous=NORMAL``: no fsync). Behind what the driver's thread is
        still doing on the connection, in that thread."""
        if _thread_busy(self._connection):
            super().rollback() if rollback else super().commit()
            return
        conn = self._connection._conn  # type: ignore[attr-defined]
        try:
            conn.rollback() if rollback else conn.commit()
        except Exception as error:
            self._handle_exception(error)
        writers: Writers | None = getattr(self._connection, _WRITERS, None)
        if writers is not None and not rollback:
            writers.committed()

    def close(self) -> None:
        try:
            super().close()
        finally:
            _end_turn(self._connection)

    def terminate(self) -> None:
        try:
            super().terminate()
        finally:
            _end_turn(self._connection)


def install(dbapi_connection: Any, writers: Writers | None = None) -> None:
    """Make a new SQLite connection's adapter this module's (same slots, more methods); ``writers``: what its engine's
    writers share (their turns, the checkpoints)."""
    if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
        dbapi_connection.__class__ = OneHopConnection
        _track_thread_calls(dbapi_connection._connection)
        setattr(dbapi_connection._connection, _WRITERS, writers)
