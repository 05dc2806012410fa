"""Outbox writer: queue Telegram calls inside the current unit of work; the sender delivers them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.db.engine import dialect_name, execute_core
from core.telegram.models import OutboxMessage, OutboxStatus
from core.telegram.split import split_formatted, truncate_formatted

WAKE_KEY = "outbox_wake"  # session.info: the chats that got a message due now (the sender is told after commit)
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


_INSERT = {"postgresql": _insert_statement(pg_insert), "sqlite": _insert_statement(sqlite_insert)}


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
        stmt = _INSERT[dialect_name(self.session)]
        row_id = (await execute_core(self.session, stmt, {
            "b_key": self._next_key(key), "b_chat": chat_id, "b_method": method, "b_payload": payload,
            "b_available": delay_until or now, "b_ref": ref, "b_now": now,
        })).scalar_one_or_none()
        chats: set[int] = self.session.info.setdefault(WAKE_KEY, set())
        if row_id is not None and delay_until is None:
            chats.add(chat_id)
        return row_id

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
