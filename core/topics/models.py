"""Forum topics the bot created in the group, and the notes it filed (class, card, group messages)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, BigIntPK, JSONType, utcnow


class ForumTopic(Base):
    """One topic of a forum group per note class. ``message_thread_id`` is None while a job is creating it
    (the row is the creator's claim, so that two jobs do not both call createForumTopic)."""

    __tablename__ = "forum_topics"
    __table_args__ = (UniqueConstraint("group_id", "topic_key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    group_id: Mapped[int] = mapped_column(BigInteger)
    topic_key: Mapped[str] = mapped_column(String(32))  # the note class: idea, task, meeting…
    title: Mapped[str] = mapped_column(String(128))
    message_thread_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # for a claim: when it was taken


class NoteFiling(Base):
    """How a note was filed: its class and card, and (with a forum group) the messages posted for it."""

    __tablename__ = "filed_notes"
    __table_args__ = (UniqueConstraint("item_id"), Index("ix_filed_notes_user_id", "user_id"))

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("items.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))  # the class, and the topic key it is filed under
    topic: Mapped[str] = mapped_column(String(128), default="")  # the topic name the provider suggested
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    title: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    is_heuristic: Mapped[bool] = mapped_column(default=False)
    degraded_code: Mapped[str | None] = mapped_column(String(32))  # why the offline rules filled in
    group_id: Mapped[int | None] = mapped_column(BigInteger)
    message_thread_id: Mapped[int | None] = mapped_column(BigInteger)
    group_outbox_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)  # the card's message(s)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)  # where the confirmation went
    confirm_outbox_id: Mapped[int | None] = mapped_column(BigInteger)
    expires_at: Mapped[datetime | None]  # the move buttons work until then
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
