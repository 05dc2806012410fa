"""documents: files (pages, blocks), chats (messages, attachments, streamed events), prompts (system and roles,
versioned; the shipped defaults seeded active), settings (per user and system)

Revision ID: 0010
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db.base import JSONType, UTCDateTime, utcnow
from core.documents.defaults import ROLE_PROMPTS, SYSTEM_PROMPTS

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _prompts_table(name: str) -> sa.Table:
    return op.create_table(
        name,
        sa.Column("id", _ID, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("name", "version", name=op.f(f"uq_{name}_name_version")),
    )


def upgrade() -> None:
    system = _prompts_table("prompts_system")
    roles = _prompts_table("prompts_user")
    now = utcnow()
    # the texts shipped with this release (core/documents/defaults.py), version 1, active
    op.bulk_insert(system, [{"name": name, "content": content, "version": 1, "is_active": True,
                             "description": description, "updated_at": now}
                            for name, (description, content) in SYSTEM_PROMPTS.items()])
    op.bulk_insert(roles, [{"name": name, "content": content, "version": 1, "is_active": True,
                            "description": description, "updated_at": now}
                           for name, (description, content) in ROLE_PROMPTS.items()])
    op.create_table(
        "settings_system",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", JSONType, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings_system")),
    )
    op.create_table(
        "chats",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("tg_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_chats_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chats")),
    )
    op.create_index(op.f("ix_chats_user_id"), "chats", ["user_id"], unique=False)
    op.create_table(
        "files",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("mime_type", sa.String(length=128), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("pages_done", sa.Integer(), nullable=False),
        sa.Column("scanned_pages", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_files_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_files")),
    )
    op.create_index(op.f("ix_files_user_id"), "files", ["user_id"], unique=False)
    op.create_table(
        "chat_attachments",
        sa.Column("id", _ID, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("file_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], name=op.f("fk_chat_attachments_chat_id_chats"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"], name=op.f("fk_chat_attachments_file_id_files"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_attachments")),
        sa.UniqueConstraint("chat_id", "file_id", name=op.f("uq_chat_attachments_chat_id_file_id")),
    )
    op.create_index(op.f("ix_chat_attachments_file_id"), "chat_attachments", ["file_id"], unique=False)
    op.create_table(
        "chat_messages",
        sa.Column("id", _ID, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("model_profile", sa.String(length=16), nullable=True),
        sa.Column("model", sa.String(length=128), nullable=True),
        sa.Column("citations", JSONType, nullable=False),
        sa.Column("images", JSONType, nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], name=op.f("fk_chat_messages_chat_id_chats"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_messages")),
    )
    op.create_index("ix_chat_messages_chat_id_id", "chat_messages", ["chat_id", "id"], unique=False)
    op.create_table(
        "file_blocks",
        sa.Column("id", _ID, nullable=False),
        sa.Column("file_id", sa.BigInteger(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("x0", sa.Float(), nullable=False),
        sa.Column("y0", sa.Float(), nullable=False),
        sa.Column("x1", sa.Float(), nullable=False),
        sa.Column("y1", sa.Float(), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"], name=op.f("fk_file_blocks_file_id_files"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_blocks")),
    )
    op.create_index("ix_file_blocks_file_id_page", "file_blocks", ["file_id", "page"], unique=False)
    op.create_table(
        "file_pages",
        sa.Column("id", _ID, nullable=False),
        sa.Column("file_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("width", sa.Float(), nullable=False),
        sa.Column("height", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("has_text", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"], name=op.f("fk_file_pages_file_id_files"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_pages")),
        sa.UniqueConstraint("file_id", "number", name=op.f("uq_file_pages_file_id_number")),
    )
    op.create_table(
        "settings_user",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("model_profile", sa.String(length=16), nullable=False),
        sa.Column("selected_role_prompt_id", sa.BigInteger(), nullable=True),
        sa.Column("active_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("active_until", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["active_chat_id"], ["chats.id"], name=op.f("fk_settings_user_active_chat_id_chats"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["selected_role_prompt_id"], ["prompts_user.id"],
                                name=op.f("fk_settings_user_selected_role_prompt_id_prompts_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_settings_user_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_settings_user")),
    )
    op.create_table(
        "chat_events",
        sa.Column("id", _ID, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], name=op.f("fk_chat_events_chat_id_chats"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["chat_messages.id"],
                                name=op.f("fk_chat_events_message_id_chat_messages"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_events")),
    )
    op.create_index("ix_chat_events_chat_id_id", "chat_events", ["chat_id", "id"], unique=False)
    op.create_index(op.f("ix_chat_events_message_id"), "chat_events", ["message_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_chat_events_message_id"), table_name="chat_events")
    op.drop_index("ix_chat_events_chat_id_id", table_name="chat_events")
    op.drop_table("chat_events")
    op.drop_table("settings_user")
    op.drop_table("file_pages")
    op.drop_index("ix_file_blocks_file_id_page", table_name="file_blocks")
    op.drop_table("file_blocks")
    op.drop_index("ix_chat_messages_chat_id_id", table_name="chat_messages")
    op.drop_table("chat_messages")
    op.drop_index(op.f("ix_chat_attachments_file_id"), table_name="chat_attachments")
    op.drop_table("chat_attachments")
    op.drop_index(op.f("ix_files_user_id"), table_name="files")
    op.drop_table("files")
    op.drop_index(op.f("ix_chats_user_id"), table_name="chats")
    op.drop_table("chats")
    op.drop_table("settings_system")
    op.drop_table("prompts_user")
    op.drop_table("prompts_system")
