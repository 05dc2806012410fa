"""Secretary items: notes, tasks, meetings and reminders."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, BigIntPK, utcnow


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


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("user_id", "number"),
        Index("ix_items_user_status", "user_id", "status"),
        Index("ix_items_calendar_event_id", "calendar_event_id"),
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
    calendar_event_id: Mapped[str | None] = mapped_column(String(255))
    calendar_attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
