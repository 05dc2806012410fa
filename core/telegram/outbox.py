"""Outbox writer: queue Telegram calls inside the current unit of work; the sender delivers them."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy import bindparam, case, exists, null, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.db.engine import dialect_name, execute_core
from core.telegram.models import OutboxMessage, OutboxStatus
from core.telegram.split import split_formatted, truncate_formatted

WAKE_KEY = "outbox_wake"  # session.info: the chats that got a message due now (the sender is told after commit)
# session.info: this process's sender (a ``DirectSender``), in a process that runs one. A message due now to a chat
# whose rate-limit slot is free now and which has no open message before it is inserted already SENDING under a
# lease of that sender and handed to it after the commit (DIRECT_ROWS_KEY): it goes on the wire at once, without
# the claim's transaction. "SENDING = on the wire or about to be, with nothing to wait for" still holds: if the
# process dies between the commit and the request, the row becomes DOUBT, as after a claim.
DIRECT_KEY = "outbox.direct"
DIRECT_ROWS_KEY = "outbox.direct_rows"
_DIRECT_CHATS_KEY = "outbox.direct_chats"  # the chats this unit of work already wrote to (only their first can go)
# The ``ref`` of a message whose text must not stay in the database: once it is sent (or refused for good) the
# sender replaces its text with REDACTED (an API token, for example).
SECRET_REF = "secret"
REDACTED = "[redacted]"
# The ``ref`` of the sender's own note to a user that one of their replies could not be delivered.
DEAD_REPORT_REF = "outbox:dead-report"

Markup = BaseModel | dict[str, Any] | None


def _markup(markup: Markup) -> dict[str, Any] | None:
    if markup is None:
        return None
    if isinstance(markup, BaseModel):
        return markup.model_dump(mode="json", exclude_none=True)
    return markup


@dataclass(frozen=True)
class Claimed:
    """An outbox row the sender holds the lease of (SENDING)."""

    id: int
    chat_id: int
    method: str
    payload: dict[str, Any]
    attempts: int
    lease_token: str | None
    ref: str | None = None
    available_at: datetime | None = None  # when it became due (metrics: how long it waited to be sent)
    direct: bool = False  # inserted SENDING by its unit of work (DIRECT_KEY), not claimed by the sender


class DirectSender(Protocol):
    """The sender of this process, as a unit of work sees it (DIRECT_KEY)."""

    lease_seconds: int

    async def take_slot(self, chat_id: int) -> bool:
        """Whether a message to this chat may go as soon as its unit of work commits (the slot is then taken)."""
        ...

    def deliver_claimed(self, rows: list[Claimed]) -> None:
        """Send these rows, inserted SENDING under this sender's lease by a unit of work that just committed."""
        ...


def _insert_statement(insert: Any) -> Any:
    """INSERT … ON CONFLICT (dedup_key) DO NOTHING RETURNING id, built once per dialect (building it per message
    cost more CPU than running it)."""
    return (
        insert(OutboxMessage)
        .values(dedup_key=bindparam("b_key"), chat_id=bindparam("b_chat"), method=bindparam("b_method"),
                payload=bindparam("b_payload"), status=OutboxStatus.PENDING.value, attempts=0,
                available_at=bindparam("b_available"), ref=bindparam("b_ref"), created_at=bindparam("b_now"))
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(OutboxMessage.id)
    )


_TOKEN_TYPE = OutboxMessage.__table__.c.lease_token.type
_EXPIRES_TYPE = OutboxMessage.__table__.c.lease_expires_at.type


def _direct_statement(insert: Any) -> Any:
    """The same INSERT for a message that may go at once: SENDING under the sender's lease, unless the chat has an
    open message (PENDING or SENDING: a chat's messages go in order), then PENDING as above. RETURNING its status."""
    ahead = (exists().where(OutboxMessage.chat_id == bindparam("b_chat"),
                            OutboxMessage.status.in_((OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)))
             .correlate_except(OutboxMessage))
    return (
        insert(OutboxMessage)
        .values(dedup_key=bindparam("b_key"), chat_id=bindparam("b_chat"), method=bindparam("b_method"),
                payload=bindparam("b_payload"), available_at=bindparam("b_available"), ref=bindparam("b_ref"),
                created_at=bindparam("b_now"),
                status=case((ahead, OutboxStatus.PENDING.value), else_=OutboxStatus.SENDING.value),
                attempts=case((ahead, 0), else_=1),
                lease_token=case((ahead, null()), else_=bindparam("b_token", type_=_TOKEN_TYPE)),
                lease_expires_at=case((ahead, null()), else_=bindparam("b_expires", type_=_EXPIRES_TYPE)))
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(OutboxMessage.id, OutboxMessage.status)
    )


_INSERT = {"postgresql": _insert_statement(pg_insert), "sqlite": _insert_statement(sqlite_insert)}
_INSERT_DIRECT = {"postgresql": _direct_statement(pg_insert), "sqlite": _direct_statement(sqlite_insert)}


class Outbox:
    """Writes outgoing messages for one unit of work. Keys derive from ``key_prefix`` plus a sequence,
    so re-running the same unit of work (after a crash) cannot create a second message."""

    def __init__(self, session: AsyncSession, key_prefix: str) -> None:
        self.session = session
        self.key_prefix = key_prefix
        self._seq = 0

    def _next_key(self, key: str | None) -> str:
        if key:
            return key
        self._seq += 1
        return f"{self.key_prefix}:{self._seq}"

    async def call(self, chat_id: int, method: str, payload: dict[str, Any], *, key: str | None = None,
                   ref: str | None = None, delay_until: Any = None) -> int | None:
        """Queue any Bot API call; returns the outbox row id (None if the key existed already)."""
        now = utcnow()
        params = {"b_key": self._next_key(key), "b_chat": chat_id, "b_method": method, "b_payload": payload,
                  "b_available": delay_until or now, "b_ref": ref, "b_now": now}
        if delay_until is None and (sender := await self._direct_slot(chat_id)) is not None:
            return await self._insert_direct(sender, params)
        row_id = (await execute_core(self.session, _INSERT[dialect_name(self.session)], params)).scalar_one_or_none()
        if row_id is not None and delay_until is None:
            self.session.info.setdefault(WAKE_KEY, set()).add(chat_id)
        return row_id

    async def _direct_slot(self, chat_id: int) -> DirectSender | None:
        """This process's sender, if the message may go as soon as the unit commits: the unit's first message to
        the chat, and the sender has a rate-limit slot for it now (taken)."""
        sender: DirectSender | None = self.session.info.get(DIRECT_KEY)
        if sender is None:
            return None
        chats: set[int] = self.session.info.setdefault(_DIRECT_CHATS_KEY, set())
        if chat_id in chats:
            return None
        chats.add(chat_id)
        return sender if await sender.take_slot(chat_id) else None

    async def _insert_direct(self, sender: DirectSender, params: dict[str, Any]) -> int | None:
        token = self.session.info.setdefault("outbox.lease_token", str(uuid.uuid4()))
        row = (await execute_core(self.session, _INSERT_DIRECT[dialect_name(self.session)], {
            **params, "b_token": token, "b_expires": params["b_now"] + timedelta(seconds=sender.lease_seconds),
        })).first()
        if row is None:  # the key existed: this unit of work ran before
            return None
        if row.status != OutboxStatus.SENDING.value:  # the chat has an open message: this one waits its turn
            self.session.info.setdefault(WAKE_KEY, set()).add(params["b_chat"])
            return int(row.id)
        # the sender gets the payload as it was stored (JSON), as it would from a claim
        payload = json.loads(json.dumps(params["b_payload"]))
        claimed = Claimed(int(row.id), params["b_chat"], params["b_method"], payload, 1, token, params["b_ref"],
                          params["b_now"], direct=True)
        self.session.info.setdefault(DIRECT_ROWS_KEY, []).append(claimed)
        return int(row.id)

    async def send_message(self, chat_id: int, text: str, *, reply_markup: Markup = None,
                           thread_id: int | None = None, reply_to: int | None = None,
                           parse_mode: str | None = "HTML", key: str | None = None,
                           ref: str | None = None) -> int | None:
        """Queue a message; a text over Telegram's limit becomes several messages (``split_formatted``): the reply
        goes on the first, the buttons on the last, every part has the ref. Returns the last part's row id (the one
        with the buttons; None if its key existed already)."""
        parts, parse_mode = split_formatted(text, parse_mode)
        base = self._next_key(key)
        row_id: int | None = None
        for n, part in enumerate(parts, start=1):
            payload: dict[str, Any] = {"chat_id": chat_id, "text": part}
            if parse_mode:
                payload["parse_mode"] = parse_mode
            if n == len(parts) and (markup := _markup(reply_markup)) is not None:
                payload["reply_markup"] = markup
            if thread_id is not None:
                payload["message_thread_id"] = thread_id
            if n == 1 and reply_to is not None:
                payload["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
            # the first part keeps the key a one-part message has; the others derive from it (a re-run writes the
            # same keys, so nothing is sent twice)
            row_id = await self.call(chat_id, "sendMessage", payload, key=base if n == 1 else f"{base}/{n}", ref=ref)
        return row_id

    async def edit_text(self, chat_id: int, text: str, *, message_id: int | None = None,
                        outbox_id: int | None = None, reply_markup: Markup = None,
                        parse_mode: str | None = "HTML", key: str | None = None) -> int | None:
        """Edit a message by its Telegram id, or by the outbox row that sent it (resolved at send time). A text over
        Telegram's limit is cut to its first part, with "…" (an edit cannot become several messages)."""
        text, parse_mode = truncate_formatted(text, parse_mode)
        payload: dict[str, Any] = {"chat_id": chat_id, "text": text}
        payload.update(_target(message_id, outbox_id))
        if parse_mode:
            payload["parse_mode"] = parse_mode
        if (markup := _markup(reply_markup)) is not None:
            payload["reply_markup"] = markup
        return await self.call(chat_id, "editMessageText", payload, key=key)

    async def edit_markup(self, chat_id: int, *, message_id: int | None = None, outbox_id: int | None = None,
                          reply_markup: Markup = None, key: str | None = None) -> int | None:
        payload: dict[str, Any] = {"chat_id": chat_id, **_target(message_id, outbox_id)}
        payload["reply_markup"] = _markup(reply_markup) or {"inline_keyboard": []}
        return await self.call(chat_id, "editMessageReplyMarkup", payload, key=key)

    async def delete(self, chat_id: int, *, message_id: int | None = None, outbox_id: int | None = None,
                     key: str | None = None) -> int | None:
        payload: dict[str, Any] = {"chat_id": chat_id, **_target(message_id, outbox_id)}
        return await self.call(chat_id, "deleteMessage", payload, key=key)


def _target(message_id: int | None, outbox_id: int | None) -> dict[str, Any]:
    if message_id is not None:
        return {"message_id": message_id}
    if outbox_id is not None:
        return {"message_id_from_outbox": outbox_id}
    raise ValueError("a message_id or an outbox_id is needed")


async def sent_message_id(session: AsyncSession, outbox_id: int) -> int | None:
    return await session.scalar(select(OutboxMessage.sent_message_id).where(OutboxMessage.id == outbox_id))


async def outbox_by_ref(session: AsyncSession, chat_id: int, ref: str) -> int | None:
    """The newest outbox row of a chat with this ``ref`` (what it belongs to), e.g. to edit that message later."""
    return await session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.chat_id == chat_id, OutboxMessage.ref == ref)
        .order_by(OutboxMessage.id.desc()).limit(1))


async def is_pending(session: AsyncSession, outbox_id: int) -> bool:
    """Whether a queued Bot API call has not been sent yet."""
    status = await session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == outbox_id))
    return status in (OutboxStatus.PENDING, OutboxStatus.SENDING)
