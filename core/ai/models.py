"""What the AI providers cost: one row per provider call (tokens, audio seconds), per user when known; and the
search index over a user's own texts (journal entries, notes) that /ask retrieves from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, BigIntPK, JSONType, utcnow


class AIUsage(Base):
    __tablename__ = "ai_usage"
    __table_args__ = (
        Index("ix_ai_usage_user_created", "user_id", "created_at"),
        Index("ix_ai_usage_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # kept when the user is deleted, so that the platform's totals stay right
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="SET NULL"))
    provider: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(16))
    input_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    output_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    calls: Mapped[int] = mapped_column(default=1)
    audio_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchDoc(Base):
    """One searchable text of a user (a journal entry, a note), kept by its owning app on every change: the words
    full-text search matches (FTS5 on SQLite, tsvector + pg_trgm on PostgreSQL, both made by migration 0014) and the
    embedding the ``search.embed`` job computes with the user's provider (``vector_model`` names it; NULL: due)."""

    __tablename__ = "search_docs"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_search_docs_user_source", "user_id", "source"),
        Index("ix_search_docs_user_model", "user_id", "vector_model"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))  # entry, note
    source_id: Mapped[int] = mapped_column(BigInteger)
    number: Mapped[int | None]  # the #number the chat shows
    title: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # what an answer quotes
    content: Mapped[str] = mapped_column(Text, default="")  # casefolded words full-text search matches
    day: Mapped[date | None]
    vector: Mapped[list[float] | None] = mapped_column(JSONType)
    vector_model: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
