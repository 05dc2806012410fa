"""Users keyed by their Telegram user id, and their encrypted secrets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, BigIntPK, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(255), default="")
    username: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8), default="ru")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    ai_provider: Mapped[str | None] = mapped_column(String(16))
    stt_provider: Mapped[str | None] = mapped_column(String(16))
    reminder_minutes: Mapped[int] = mapped_column(default=15)
    agenda_time: Mapped[str | None] = mapped_column(String(5))
    # whether the user has a row of journal settings (core.journal.service.update_settings sets it): a text's routing
    # needs no read of them for the others, the default being what they get
    has_journal_settings: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserSecret(Base):
    """A per-user secret (API key, OAuth token), encrypted with MASTER_ENCRYPTION_KEY."""

    __tablename__ = "user_secrets"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
