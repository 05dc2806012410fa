"""The durable queue: incoming updates (inbox) and jobs, plus worker heartbeats."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, BigIntPK, utcnow


class QueueStatus(enum.StrEnum):
    NEW = "NEW"
    CLAIMED = "CLAIMED"
    DONE = "DONE"
    FAILED = "FAILED"  # failed at least once, waiting for its retry (available_at)
    DEAD = "DEAD"  # gave up after the maximum attempts


OPEN_STATUSES = (QueueStatus.NEW, QueueStatus.CLAIMED, QueueStatus.FAILED)


class Leased:
    """The columns every leased queue row has: status, attempts, retry time, lease, last error."""

    status: Mapped[str] = mapped_column(String(16), default=QueueStatus.NEW)
    attempts: Mapped[int] = mapped_column(default=0)
    available_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_token: Mapped[str | None] = mapped_column(String(36))
    lease_expires_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InboxUpdate(Leased, Base):
    __tablename__ = "inbox_updates"
    __table_args__ = (
        UniqueConstraint("source", "chat_id", "update_id"),
        Index("ix_inbox_updates_status_available", "status", "available_at"),
        Index("ix_inbox_updates_chat_status", "chat_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    source: Mapped[str] = mapped_column(String(32), default="telegram")
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    update_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]]
    processed_at: Mapped[datetime | None]


class Job(Leased, Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_available", "status", "available_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    payload: Mapped[dict[str, Any]]
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    max_attempts: Mapped[int] = mapped_column(default=5)
    finished_at: Mapped[datetime | None]


class Heartbeat(Base):
    """Last sign of life of a process (bot, worker, beat), shown by /health."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    role: Mapped[str] = mapped_column(String(32))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
