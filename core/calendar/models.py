"""The secret ICS feed address of each user."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, utcnow


class CalendarFeed(Base):
    """One feed per user. Looked up by the SHA-256 of its token; the token itself is kept encrypted so that
    /calendar can show the address again (it is a bearer secret: whoever has it reads the calendar)."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
