"""The journal: entries (with their versions and the terms they are filtered by), user recipes and the switches of
every recipe, the user's journal settings, and the proposals the chat shows before anything is saved."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, BigIntPK, JSONType, utcnow


class EntryStatus(enum.StrEnum):
    DONE = "done"
    PLANNED = "planned"
    WISH = "wish"


class Routing(enum.StrEnum):
    """Where a chat message that is not a plan goes by default."""

    AUTO = "auto"  # records of something done, bought, spent or met become entries; the rest notes
    JOURNAL = "journal"  # every such message is proposed as an entry
    NOTES = "notes"  # notes, as before the journal (/j still makes an entry)


class Entry(Base):
    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "number"),
        Index("ix_journal_entries_user_day", "user_id", "happened_on"),
        Index("ix_journal_entries_user_action", "user_id", "action"),
        Index("ix_journal_entries_user_object", "user_id", "object"),
        Index("ix_journal_entries_user_category", "user_id", "category"),
        Index("ix_journal_entries_user_status", "user_id", "status"),
        Index("ix_journal_entries_user_attachments", "user_id", "attachment_count"),
        Index("ix_journal_entries_user_deleted", "user_id", "deleted_at"),
        Index("ix_journal_entries_reminder_item_id", "reminder_item_id"),
        # the dashboard's scans of a period read this index only (migration 0014)
        Index("ix_journal_entries_user_day_live", "user_id", "happened_on", "deleted_at", "action", "currency",
              "amount_minor", "category"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[int]  # per-user #ID shown in chat (/again #ID)
    action: Mapped[str] = mapped_column(String(32))
    object: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)  # hundredths of the currency's unit
    currency: Mapped[str | None] = mapped_column(String(3))
    category: Mapped[str | None] = mapped_column(String(32))
    subcategory: Mapped[str | None] = mapped_column(String(64))
    people: Mapped[list[str]] = mapped_column(JSONType, default=list)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    place: Mapped[str | None] = mapped_column(String(255))
    geo_lat: Mapped[float | None] = mapped_column(Float)
    geo_lon: Mapped[float | None] = mapped_column(Float)
    happened_on: Mapped[date]  # the user's local day
    time: Mapped[str | None] = mapped_column(String(5))  # HH:MM local
    status: Mapped[str] = mapped_column(String(16), default=EntryStatus.DONE)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    attachment_count: Mapped[int] = mapped_column(default=0)
    extras: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    ai_raw: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    ai_confidence: Mapped[float | None] = mapped_column(Float)
    recipe_id: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default="app")
    reminder_item_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("items.id", ondelete="SET NULL"))
    search_text: Mapped[str] = mapped_column(Text, default="")  # casefolded words of the entry, for search
    version: Mapped[int] = mapped_column(default=1)
    deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def entry_search_text(entry: Entry) -> str:
    """Python's casefold (SQLite folds ASCII only): everything a search may match."""
    extras = " ".join(str(v) for v in (entry.extras or {}).values() if isinstance(v, str | int | float))
    parts = [entry.title, entry.note, entry.place or "", " ".join(entry.people or []), " ".join(entry.tags or []),
             entry.category or "", entry.subcategory or "", extras]
    return " ".join(p for p in parts if p).casefold()


@event.listens_for(Entry, "before_insert")
@event.listens_for(Entry, "before_update")
def _keep_search_text(mapper: Any, connection: Any, entry: Entry) -> None:
    entry.search_text = entry_search_text(entry)


class TermKind(enum.StrEnum):
    TAG = "tag"
    PERSON = "person"
    PLACE = "place"


class EntryTerm(Base):
    """A tag, person or place of an entry, one row each: what the filters match and the dictionaries count."""

    __tablename__ = "journal_entry_terms"
    __table_args__ = (
        Index("ix_journal_entry_terms_user_kind_key", "user_id", "kind", "key"),
        Index("ix_journal_entry_terms_entry_id", "entry_id"),
        # the dashboard's top people/places/tags read this index only (migration 0014)
        Index("ix_journal_entry_terms_user_kind_key_entry", "user_id", "kind", "key", "entry_id", "value"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("journal_entries.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(255))  # casefolded
    value: Mapped[str] = mapped_column(String(255))


class EntryVersion(Base):
    """What an entry was before a change (its fields as the API shows them)."""

    __tablename__ = "journal_entry_versions"
    __table_args__ = (UniqueConstraint("entry_id", "version"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    entry_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("journal_entries.id", ondelete="CASCADE"))
    version: Mapped[int]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType)
    change: Mapped[str] = mapped_column(String(16))  # updated, deleted, restored
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserRecipe(Base):
    __tablename__ = "journal_recipes"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    object: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(100))
    icon: Mapped[str] = mapped_column(String(16), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    category: Mapped[str] = mapped_column(String(32))
    subcategory: Mapped[str | None] = mapped_column(String(64))
    color: Mapped[str] = mapped_column(String(16), default="")
    form: Mapped[dict[str, Any]] = mapped_column(JSONType)
    ai: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RecipeSetting(Base):
    """A recipe (shipped: its id; the user's: ``u<id>``) switched on or off, and where it stands in the list."""

    __tablename__ = "journal_recipe_settings"
    __table_args__ = (UniqueConstraint("user_id", "recipe_key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    recipe_key: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int | None]


class JournalSettings(Base):
    __tablename__ = "journal_settings"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    routing: Mapped[str] = mapped_column(String(8), default=Routing.AUTO)
    currency: Mapped[str | None] = mapped_column(String(3))  # the default; None: by the user's language
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProposalStatus(enum.StrEnum):
    OPEN = "open"
    SAVED = "saved"
    CANCELLED = "cancelled"
    NOTED = "noted"  # kept as a note instead


class Proposal(Base):
    """Entries read out of one message (text, voice, photo, link), shown as a card until saved or dropped."""

    __tablename__ = "journal_proposals"
    __table_args__ = (Index("ix_journal_proposals_user_status", "user_id", "status"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(16))  # text, voice, photo, url, again
    text: Mapped[str] = mapped_column(Text, default="")
    drafts: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default=ProposalStatus.OPEN)
    card_outbox_id: Mapped[int | None] = mapped_column(BigInteger)
    entry_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # the user's message it was read from
    day: Mapped[date | None]  # the day the message named ("вчера"), else today
    reminder_text: Mapped[str | None] = mapped_column(Text)  # "вернуть Пете зарядку через неделю": a reminder too
    note_item_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("items.id", ondelete="SET NULL"))
    error_code: Mapped[str | None] = mapped_column(String(64))  # the analysis failed (the card offers a retry)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EntryAttachment(Base):
    """A photo kept for the journal: analysed (``entry_id`` empty until an entry takes it) or attached to an entry.
    Its bytes and thumbnail are in the journal's storage under ``key`` and ``thumb_key``."""

    __tablename__ = "journal_attachments"
    __table_args__ = (
        Index("ix_journal_attachments_user_entry", "user_id", "entry_id"),
        Index("ix_journal_attachments_entry_id", "entry_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("journal_entries.id", ondelete="SET NULL"))
    key: Mapped[str] = mapped_column(String(255))
    thumb_key: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    mime_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnalysisStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class Analysis(Base):
    """One long analysis (a link, a photo) asked through the API, run as a job: what it read, or why it failed."""

    __tablename__ = "journal_analyses"
    __table_args__ = (Index("ix_journal_analyses_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # url, image
    status: Mapped[str] = mapped_column(String(16), default=AnalysisStatus.PENDING)
    request: Mapped[dict[str, Any]] = mapped_column(JSONType)  # url or caption, language, day
    attachment_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("journal_attachments.id", ondelete="SET NULL"))
    drafts: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    error_code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
