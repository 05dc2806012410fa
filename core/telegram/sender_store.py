"""The outbox sender's bookkeeping in the database, with group commit.

Every message costs the sender three writes: the claim (PENDING -> SENDING, just before it goes on the wire), the
outcome (SENT, DEAD or PENDING again with a retry time) and the question whether its chat has another message due.
The chat tasks ask for these concurrently; everything asked while one transaction is being written goes into the
next one, which does it all with a few statements. Under load one transaction serves many messages; with one
message in flight it is one short transaction per step, as before.

The guarantees do not change: a row is SENDING only after its chat passed the rate limiter and just before the
request leaves, a chat's messages go in order (only the oldest open message of a chat can be claimed), and an
outcome is written only while the claim's lease token still holds.

Two more things are written with an outcome: the text of a secret message (``SECRET_REF``) is replaced once it is
sent or refused for good, and a reply refused for good gets the user a short note (``DEAD_REPORT_REF``), at most one
per chat every ``report_every`` seconds, in the user's language.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.db.engine import READ_ONLY, SessionFactory
from core.i18n import translator
from core.telegram.models import OutboxMessage, OutboxStatus
from core.telegram.outbox import DEAD_REPORT_REF, REDACTED, SECRET_REF, Claimed, Outbox
from core.users.models import User

log = structlog.get_logger(__name__)

_OPEN = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)

# The head of each chat is its oldest open message; it is claimed only if it is PENDING and due. A racing sender
# (another process) finds the row SENDING when its UPDATE gets to it and claims nothing.
_HEADS = (
    select(func.min(OutboxMessage.id))
    .where(OutboxMessage.chat_id.in_(bindparam("b_chats", expanding=True)), OutboxMessage.status.in_(_OPEN))
    .group_by(OutboxMessage.chat_id)
)
_CLAIM = (
    update(OutboxMessage)
    .where(OutboxMessage.id.in_(_HEADS), OutboxMessage.status == OutboxStatus.PENDING.value,
           OutboxMessage.available_at <= bindparam("b_now"))
    .values(status=OutboxStatus.SENDING.value, lease_token=bindparam("b_token"),
            attempts=OutboxMessage.attempts + 1, lease_expires_at=bindparam("b_expires"))
    .returning(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.method, OutboxMessage.payload,
               OutboxMessage.attempts, OutboxMessage.lease_token, OutboxMessage.ref, OutboxMessage.available_at)
)
_FINISH = (
    update(OutboxMessage)
    .where(OutboxMessage.id == bindparam("b_id"), OutboxMessage.lease_token == bindparam("b_token"))
    .values(status=bindparam("b_status"), lease_token=None, lease_expires_at=None, last_error=bindparam("b_error"),
            sent_message_id=bindparam("b_message_id"), sent_at=bindparam("b_at"))
)
_RETRY = (
    update(OutboxMessage)
    .where(OutboxMessage.id == bindparam("b_id"), OutboxMessage.lease_token == bindparam("b_token"))
    .values(status=bindparam("b_status"), lease_token=None, lease_expires_at=None, last_error=bindparam("b_error"),
            available_at=bindparam("b_available"), attempts=OutboxMessage.attempts - bindparam("b_uncount"))
)
_REDACT = (
    update(OutboxMessage)
    .where(OutboxMessage.id == bindparam("b_id"), OutboxMessage.ref == SECRET_REF,
           OutboxMessage.status.in_((OutboxStatus.SENT.value, OutboxStatus.DEAD.value)))  # never one still to send
    .values(payload=bindparam("b_payload"))
)
_DUE_CHATS = (
    select(OutboxMessage.chat_id)
    .where(OutboxMessage.chat_id.in_(bindparam("b_chats", expanding=True)),
           OutboxMessage.status == OutboxStatus.PENDING.value, OutboxMessage.available_at <= bindparam("b_now"))
    .distinct()
)


@dataclass
class _Batch:
    """What the chat tasks asked for since the last transaction."""

    claims: dict[int, list[asyncio.Future[Claimed | None]]] = field(default_factory=dict)
    finishes: list[dict[str, Any]] = field(default_factory=list)
    retries: list[dict[str, Any]] = field(default_factory=list)
    redactions: list[dict[str, Any]] = field(default_factory=list)
    reports: list[Claimed] = field(default_factory=list)  # replies refused for good: tell their users
    due: dict[int, list[asyncio.Future[bool]]] = field(default_factory=dict)
    done: list[asyncio.Future[None]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.claims or self.finishes or self.retries or self.due or self.reports)


class SenderStore:
    def __init__(self, session_factory: SessionFactory, *, lease_seconds: int = 60, default_language: str = "ru",
                 report_every: float = 600.0) -> None:
        self.session_factory = session_factory
        self.lease_seconds = lease_seconds
        self.default_language = default_language  # the note about a lost reply, in a chat of no known user
        self.report_every = report_every
        self._batch = _Batch()
        self._writer: asyncio.Task[None] | None = None
        self.transactions = 0  # how many transactions the store wrote (benchmarks, tests)

    async def mark_in_doubt(self) -> int:
        """Rows left SENDING by a crashed sender whose lease expired become DOUBT; how many."""
        async with self.session_factory() as session:
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_expires_at < utcnow())
                .values(status=OutboxStatus.DOUBT, lease_token=None, last_error="sender died while sending")
            )
            await session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def due_chats(self, limit: int) -> list[int]:
        """Chats with a message due now (a read: on SQLite it does not take the write lock)."""
        async with self.session_factory(execution_options={READ_ONLY: True}) as session:
            chats = await session.scalars(
                select(OutboxMessage.chat_id)
                .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.available_at <= utcnow())
                .distinct()
                .limit(limit)
            )
            return list(chats.all())

    async def sent_message_of(self, outbox_id: int) -> tuple[OutboxStatus, int | None] | None:
        """The status of an earlier outbox row and the Telegram message id it got (an edit's target)."""
        async with self.session_factory(execution_options={READ_ONLY: True}) as session:
            row = (await session.execute(select(OutboxMessage.status, OutboxMessage.sent_message_id)
                                         .where(OutboxMessage.id == outbox_id))).first()
        return None if row is None else (OutboxStatus(row[0]), row[1])

    async def claim_head(self, chat_id: int) -> Claimed | None:
        """The chat's oldest open message, now SENDING under a fresh lease; None if it has none due."""
        future: asyncio.Future[Claimed | None] = asyncio.get_running_loop().create_future()
        self._batch.claims.setdefault(chat_id, []).append(future)
        self._kick()
        return await future

    async def finish(self, row: Claimed, status: OutboxStatus, *, error: str | None = None,
                     message_id: int | None = None, then_check: bool = True, report: bool = False) -> bool:
        """Record the outcome of a claimed row; returns whether its chat has another message due now. ``report``:
        the row is a reply refused for good, and its user is told (see :meth:`_write_reports`)."""
        self._batch.finishes.append({"b_id": row.id, "b_token": row.lease_token, "b_status": status.value,
                                     "b_error": error, "b_message_id": message_id, "b_at": utcnow()})
        self._closed(row, report=report and status == OutboxStatus.DEAD)
        return await self._written(row.chat_id, then_check)

    async def retry(self, row: Claimed, *, status: OutboxStatus, error: str, available_at: datetime,
                    count: bool = True, report: bool = False) -> None:
        """Give a claimed row back (PENDING with a retry time) or bury it (DEAD)."""
        self._batch.retries.append({"b_id": row.id, "b_token": row.lease_token, "b_status": status.value,
                                    "b_error": error[:2000], "b_available": available_at,
                                    "b_uncount": 0 if count else 1})
        if status == OutboxStatus.DEAD:
            self._closed(row, report=report)
        await self._written(row.chat_id, False)

    def _closed(self, row: Claimed, *, report: bool) -> None:
        """A row will not be sent again: forget a secret text, note a lost reply."""
        if row.ref == SECRET_REF and "text" in row.payload:
            self._batch.redactions.append({"b_id": row.id, "b_payload": {**row.payload, "text": REDACTED}})
        if report and row.ref != DEAD_REPORT_REF:  # the note itself is never reported
            self._batch.reports.append(row)

    async def _written(self, chat_id: int, then_check: bool) -> bool:
        loop = asyncio.get_running_loop()
        if then_check:
            due: asyncio.Future[bool] = loop.create_future()
            self._batch.due.setdefault(chat_id, []).append(due)
            self._kick()
            return await due
        done: asyncio.Future[None] = loop.create_future()
        self._batch.done.append(done)
        self._kick()
        await done
        return False

    def _kick(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())

    async def _write(self) -> None:
        while self._batch:
            batch, self._batch = self._batch, _Batch()
            try:
                async with self.session_factory() as session:
                    claimed, due_chats = await self._apply(session, batch)
                    await session.commit()
                self.transactions += 1
            except Exception as exc:  # nothing of this batch was written; every waiter gets the error
                log.warning("outbox.store_failed", error=str(exc))
                waiters: list[list[asyncio.Future[Any]]] = [*batch.claims.values(), *batch.due.values(), batch.done]
                for futures in waiters:
                    for future in futures:
                        _settle(future, exc=exc)
                continue
            for chat_id, futures in batch.claims.items():
                row = claimed.get(chat_id)
                for i, future in enumerate(futures):  # one chat asks once; a second asker gets nothing
                    _settle(future, row if i == 0 else None)
            for chat_id, futures in batch.due.items():
                for future in futures:
                    _settle(future, chat_id in due_chats)
            for future in batch.done:
                _settle(future, None)

    async def _apply(self, session: AsyncSession, batch: _Batch) -> tuple[dict[int, Claimed], set[int]]:
        now = utcnow()
        conn = await session.connection()  # plain SQL: no ORM statement handling needed
        if batch.finishes:
            await conn.execute(_FINISH, batch.finishes)
        if batch.retries:
            await conn.execute(_RETRY, batch.retries)
        if batch.redactions:
            await conn.execute(_REDACT, batch.redactions)
        if batch.reports:
            await self._write_reports(session, batch.reports, now)
        due_chats: set[int] = set()
        if batch.due:
            # after the writes above: a note about a lost reply, written just now, is due
            due = await conn.execute(_DUE_CHATS, {"b_chats": list(batch.due), "b_now": utcnow()})
            due_chats = set(due.scalars().all())
        claimed: dict[int, Claimed] = {}
        if batch.claims:
            rows = await conn.execute(_CLAIM, {
                "b_chats": list(batch.claims), "b_now": now, "b_token": str(uuid.uuid4()),
                "b_expires": now + timedelta(seconds=self.lease_seconds)})
            claimed = {row.chat_id: Claimed(*row) for row in rows}
        return claimed, due_chats

    async def _write_reports(self, session: AsyncSession, rows: list[Claimed], now: datetime) -> None:
        """One short note per chat that a reply could not be delivered, unless the chat got one in the last
        ``report_every`` seconds (a loop of failures is told once). Keyed by the lost row: written once."""
        chats = {row.chat_id for row in rows}
        recent = set((await session.scalars(
            select(OutboxMessage.chat_id).where(
                OutboxMessage.chat_id.in_(chats), OutboxMessage.ref == DEAD_REPORT_REF,
                OutboxMessage.created_at > now - timedelta(seconds=self.report_every))
        )).all())
        languages = dict((await session.execute(select(User.id, User.language).where(User.id.in_(chats)))).all())
        outbox = Outbox(session, "dead-report")
        for row in rows:
            if row.chat_id in recent:
                continue
            recent.add(row.chat_id)
            t = translator(languages.get(row.chat_id, self.default_language))
            thread_id = row.payload.get("message_thread_id")
            await outbox.send_message(row.chat_id, t("outbox.reply_lost"), parse_mode=None, ref=DEAD_REPORT_REF,
                                      thread_id=thread_id if isinstance(thread_id, int) else None,
                                      key=f"dead-report:{row.id}")
            log.warning("outbox.reply_lost_reported", chat_id=row.chat_id, outbox_id=row.id)


def _settle(future: asyncio.Future[Any], value: Any = None, *, exc: BaseException | None = None) -> None:
    if future.done():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(value)
