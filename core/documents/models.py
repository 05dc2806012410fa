"""Documents: the files a user uploads (their pages and text blocks), chats over them with their messages,
attachments and streamed events, the prompts (system and roles, versioned) and the settings (per user and system)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, BigIntPK, JSONType, utcnow


class DocFile(Base):
    """An uploaded file. ``status``: processing (stored, being read), ready, failed (``error_code`` says why)."""

    __tablename__ = "files"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))  # pdf | md | html | json
    mime_type: Mapped[str] = mapped_column(String(128))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="processing")
    error_code: Mapped[str | None] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(default=0)
    pages_done: Mapped[int] = mapped_column(default=0)  # the ingest job's progress
    scanned_pages: Mapped[int] = mapped_column(default=0)  # pages without a text layer (scans)
    ocr_pages: Mapped[int] = mapped_column(default=0, server_default="0")  # of those, the pages OCR read text on
    # "<provider>:<model>" that embedded the blocks (``FileBlock.semantic``) at ingest; None: the local vectors only
    embedding_model: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FilePage(Base):
    """One page: its size in points (PDF) and its whole text. Text files are cut into pages of their own."""

    __tablename__ = "file_pages"
    __table_args__ = (UniqueConstraint("file_id", "number"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    file_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("files.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1-based
    width: Mapped[float] = mapped_column(Float, default=0.0)
    height: Mapped[float] = mapped_column(Float, default=0.0)
    text: Mapped[str] = mapped_column(Text, default="")
    has_text: Mapped[bool] = mapped_column(default=True)


class FileBlock(Base):
    """A paragraph or a table of a page, with its box (fractions of the page, top-left origin) and its embedding."""

    __tablename__ = "file_blocks"
    __table_args__ = (Index("ix_file_blocks_file_id_page", "file_id", "page"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    file_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("files.id", ondelete="CASCADE"))
    page: Mapped[int]
    number: Mapped[int]  # 1-based within the page
    kind: Mapped[str] = mapped_column(String(8), default="text")  # text | table
    text: Mapped[str] = mapped_column(Text)
    x0: Mapped[float] = mapped_column(Float, default=0.0)
    y0: Mapped[float] = mapped_column(Float, default=0.0)
    x1: Mapped[float] = mapped_column(Float, default=1.0)
    y1: Mapped[float] = mapped_column(Float, default=1.0)
    embedding: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian: the local hashed vector
    semantic: Mapped[bytes | None] = mapped_column(LargeBinary)  # float32: the user's provider's embedding, if any


class Chat(Base):
    """A conversation over attached files. ``tg_chat_id`` is set for one started in Telegram."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    tg_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ChatMessage(Base):
    """A user's question or an answer. An answer is ``streaming`` while the pipeline writes it, then ``done`` or
    ``failed``; it cites (file, page, block) in ``citations``."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_chat_id_id", "chat_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("chats.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))  # user | assistant
    content: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="done")  # streaming | done | failed
    model_profile: Mapped[str | None] = mapped_column(String(16))
    model: Mapped[str | None] = mapped_column(String(128))
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    images: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)  # pages and zooms the model saw
    error_code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChatAttachment(Base):
    __tablename__ = "chat_attachments"
    __table_args__ = (UniqueConstraint("chat_id", "file_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("chats.id", ondelete="CASCADE"))
    file_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("files.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="original")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChatEvent(Base):
    """One streamed event of an answer (phase_started, phase_progress, llm_token, llm_final, error); its id is the
    SSE event id a client resumes from (Last-Event-ID)."""

    __tablename__ = "chat_events"
    __table_args__ = (Index("ix_chat_events_chat_id_id", "chat_id", "id"), Index("ix_chat_events_created_at",
                                                                                   "created_at"))

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("chats.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("chat_messages.id", ondelete="CASCADE"),
                                            index=True)
    event: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SystemPrompt(Base):
    """A version of one of the four system prompts; one version of each name is active."""

    __tablename__ = "prompts_system"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    version: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RolePrompt(Base):
    """A version of a role prompt ("инженер", "экономист"…); the users pick a role by the id of any of its versions,
    the active version is the one applied."""

    __tablename__ = "prompts_user"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    version: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class UserDocSettings(Base):
    """What a user may change (``model_profile``, ``selected_role_prompt_id``), and the bot's current documents
    chat (questions go there while ``active_until`` has not passed)."""

    __tablename__ = "settings_user"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    model_profile: Mapped[str] = mapped_column(String(16), default="simple")
    selected_role_prompt_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("prompts_user.id", ondelete="SET NULL"))
    active_chat_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("chats.id", ondelete="SET NULL"))
    active_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SystemSetting(Base):
    """An operator's setting of the documents pipeline (limits, retrieval, models); the defaults come from Settings."""

    __tablename__ = "settings_system"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
