"""Minis tables: a user's miniature types, their per-stage counters and the append-only move history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, BigIntPK, utcnow
from core.minis.rules import NAME_KEY_MAX_LENGTH, NAME_MAX_LENGTH


class MiniType(Base):
    """A kind of miniature in one user's collection; names are unique per user, ignoring case."""

    __tablename__ = "minis_types"
    __table_args__ = (UniqueConstraint("user_id", "name_key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_MAX_LENGTH))  # rules.name_key(name)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    stage_counts: Mapped[list[StageCount]] = relationship(lazy="raise", passive_deletes=True)


class StageCount(Base):
    """How many miniatures of a type sit at a stage; every type has one row per stage."""

    __tablename__ = "minis_stage_counts"
    __table_args__ = (
        UniqueConstraint("type_id", "stage"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    type_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("minis_types.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, default=0)


class HistoryEvent(Base):
    """One move (from_stage → to_stage) or one addition to IN_BOX (from_stage NULL)."""

    __tablename__ = "minis_history"
    __table_args__ = (Index("ix_minis_history_type_created", "type_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    type_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("minis_types.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    qty: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
