"""Secretary items (notes, tasks, meetings, reminders), pending clarifying questions and the undo log."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, BigIntPK, JSONType, utcnow


class ItemKind(enum.StrEnum):
    NOTE = "note"
    TASK = "task"
    MEETING = "meeting"
    REMINDER = "reminder"


class ItemStatus(enum.StrEnum):
    INBOX = "inbox"
    SCHEDULED = "scheduled"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_STATUSES = (ItemStatus.INBOX, ItemStatus.SCHEDULED)


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("user_id", "number"),
        Index("ix_items_user_status", "user_id", "status"),
        Index("ix_items_calendar_event_id", "calendar_event_id"),
        # one item per chat message (a repeated delivery of it makes none); NULLs (items not made in a chat) repeat
        Index("uq_items_chat_message", "chat_id", "message_id", unique=True),
        Index("ix_items_chat_media_group", "chat_id", "media_group_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[int]  # per-user #ID shown in chat
    kind: Mapped[str] = mapped_column(String(16), default=ItemKind.NOTE)
    status: Mapped[str] = mapped_column(String(16), default=ItemStatus.INBOX)
    title: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="text")
    starts_at: Mapped[datetime | None]
    duration_min: Mapped[int | None]
    remind_at: Mapped[datetime | None]
    due_date: Mapped[date | None]  # the day, in the user's time zone, of an item that has no time yet
    # a repeating item: an RFC 5545 RRULE without DTSTART ("FREQ=WEEKLY;BYDAY=MO"); starts_at (or due_date) is the
    # occurrence now due, and Done/Skip move it to the next one
    recurrence: Mapped[str | None] = mapped_column(String(255))
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")  # casefolded title + text
    # made of chat messages (``ItemMessage``): the Telegram file ids of its photos (an album's, in order), and
    # where a forwarded message came from ("News (@news)", "Ann") and when it was first sent there
    photos: Mapped[list[str]] = mapped_column(JSONType, default=list, server_default=sql_text("'[]'"))
    forwarded_from: Mapped[str | None] = mapped_column(String(255))
    forwarded_at: Mapped[datetime | None]
    # the chat message it was made of (its album's first photo), written with the item itself; the album's other
    # photos are linked by ``ItemMessage`` rows
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    calendar_event_id: Mapped[str | None] = mapped_column(String(255))
    calendar_attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def search_key(title: str, text: str) -> str:
    """Python's casefold, because SQLite's lower()/LIKE fold ASCII letters only."""
    return f"{title}\n{text}".casefold()


@event.listens_for(Item, "before_insert")
@event.listens_for(Item, "before_update")
def _keep_search_text(mapper: Any, connection: Any, item: Item) -> None:
    item.search_text = search_key(item.title or "", item.text or "")


class ItemMessage(Base):
    """A further chat message an item was made of: a photo of the album (``media_group_id``) that joined the item
    its first photo made (that first message is the item's own ``chat_id``/``message_id``). An edit of it changes the
    item."""

    __tablename__ = "item_messages"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id"),
        Index("ix_item_messages_chat_media_group", "chat_id", "media_group_id"),
        Index("ix_item_messages_item_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("items.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClarificationPurpose(enum.StrEnum):
    TIME = "time"  # a new item needs its time
    RESCHEDULE = "reschedule"  # the user pressed Reschedule and owes a new time
    PAST = "past"  # the time said has passed ("сегодня в 8 вечера" at 22:17): the next one, as said, or another


class PendingClarification(Base):
    """The one question a user owes an answer to; their next text answers it until ``expires_at``."""

    __tablename__ = "pending_clarifications"
    __table_args__ = (UniqueConstraint("user_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("items.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    day: Mapped[date | None]  # the day already known (user's time zone), if any
    candidates: Mapped[list[str]] = mapped_column(JSONType, default=list)  # "HH:MM" readings offered as buttons
    duration_min: Mapped[int | None]
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChangeAction(enum.StrEnum):
    CREATE = "create"
    DONE = "done"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    SKIP = "skip"  # an occurrence of a repeating item skipped (Done on one is DONE; both move it to the next)


class ItemChange(Base):
    """The undo log: what an item looked like before a change the user made."""

    __tablename__ = "item_changes"
    __table_args__ = (Index("ix_item_changes_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("items.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    undone_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
