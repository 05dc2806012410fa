"""journal: entries (versions, the terms they are filtered by), user recipes and recipe switches, journal settings,
the chat's proposals

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db.base import JSONType, UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "journal_proposals",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("drafts", JSONType, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("card_outbox_id", sa.BigInteger(), nullable=True),
        sa.Column("entry_ids", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_journal_proposals_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_proposals")),
    )
    op.create_index("ix_journal_proposals_user_status", "journal_proposals", ["user_id", "status"], unique=False)
    op.create_table(
        "journal_recipe_settings",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("recipe_key", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_journal_recipe_settings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_recipe_settings")),
        sa.UniqueConstraint("user_id", "recipe_key", name=op.f("uq_journal_recipe_settings_user_id_recipe_key")),
    )
    op.create_table(
        "journal_recipes",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("object", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("icon", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("subcategory", sa.String(length=64), nullable=True),
        sa.Column("color", sa.String(length=16), nullable=False),
        sa.Column("form", JSONType, nullable=False),
        sa.Column("ai", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_journal_recipes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_recipes")),
    )
    op.create_index(op.f("ix_journal_recipes_user_id"), "journal_recipes", ["user_id"], unique=False)
    op.create_table(
        "journal_settings",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("routing", sa.String(length=8), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_journal_settings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_journal_settings")),
    )
    op.create_table(
        "journal_entries",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("object", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("subcategory", sa.String(length=64), nullable=True),
        sa.Column("people", JSONType, nullable=False),
        sa.Column("tags", JSONType, nullable=False),
        sa.Column("place", sa.String(length=255), nullable=True),
        sa.Column("geo_lat", sa.Float(), nullable=True),
        sa.Column("geo_lon", sa.Float(), nullable=True),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("time", sa.String(length=5), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attachments", JSONType, nullable=False),
        sa.Column("attachment_count", sa.Integer(), nullable=False),
        sa.Column("extras", JSONType, nullable=False),
        sa.Column("ai_raw", JSONType, nullable=True),
        sa.Column("ai_confidence", sa.Float(), nullable=True),
        sa.Column("recipe_id", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reminder_item_id", sa.BigInteger(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reminder_item_id"],
            ["items.id"],
            name=op.f("fk_journal_entries_reminder_item_id_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_journal_entries_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
        sa.UniqueConstraint("user_id", "number", name=op.f("uq_journal_entries_user_id_number")),
    )
    op.create_index("ix_journal_entries_reminder_item_id", "journal_entries", ["reminder_item_id"], unique=False)
    op.create_index("ix_journal_entries_user_action", "journal_entries", ["user_id", "action"], unique=False)
    op.create_index(
        "ix_journal_entries_user_attachments", "journal_entries", ["user_id", "attachment_count"], unique=False
    )
    op.create_index("ix_journal_entries_user_category", "journal_entries", ["user_id", "category"], unique=False)
    op.create_index("ix_journal_entries_user_day", "journal_entries", ["user_id", "happened_on"], unique=False)
    op.create_index("ix_journal_entries_user_deleted", "journal_entries", ["user_id", "deleted_at"], unique=False)
    op.create_index("ix_journal_entries_user_object", "journal_entries", ["user_id", "object"], unique=False)
    op.create_index("ix_journal_entries_user_status", "journal_entries", ["user_id", "status"], unique=False)
    op.create_table(
        "journal_entry_terms",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_journal_entry_terms_entry_id_journal_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_journal_entry_terms_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry_terms")),
    )
    op.create_index("ix_journal_entry_terms_entry_id", "journal_entry_terms", ["entry_id"], unique=False)
    op.create_index(
        "ix_journal_entry_terms_user_kind_key", "journal_entry_terms", ["user_id", "kind", "key"], unique=False
    )
    op.create_table(
        "journal_entry_versions",
        sa.Column("id", _ID, nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", JSONType, nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_journal_entry_versions_entry_id_journal_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry_versions")),
        sa.UniqueConstraint("entry_id", "version", name=op.f("uq_journal_entry_versions_entry_id_version")),
    )


def downgrade() -> None:
    op.drop_table("journal_entry_versions")
    op.drop_index("ix_journal_entry_terms_user_kind_key", table_name="journal_entry_terms")
    op.drop_index("ix_journal_entry_terms_entry_id", table_name="journal_entry_terms")
    op.drop_table("journal_entry_terms")
    op.drop_index("ix_journal_entries_user_status", table_name="journal_entries")
    op.drop_index("ix_journal_entries_user_object", table_name="journal_entries")
    op.drop_index("ix_journal_entries_user_deleted", table_name="journal_entries")
    op.drop_index("ix_journal_entries_user_day", table_name="journal_entries")
    op.drop_index("ix_journal_entries_user_category", table_name="journal_entries")
    op.drop_index("ix_journal_entries_user_attachments", table_name="journal_entries")
    op.drop_index("ix_journal_entries_user_action", table_name="journal_entries")
    op.drop_index("ix_journal_entries_reminder_item_id", table_name="journal_entries")
    op.drop_table("journal_entries")
    op.drop_table("journal_settings")
    op.drop_index(op.f("ix_journal_recipes_user_id"), table_name="journal_recipes")
    op.drop_table("journal_recipes")
    op.drop_table("journal_recipe_settings")
    op.drop_index("ix_journal_proposals_user_status", table_name="journal_proposals")
    op.drop_table("journal_proposals")
