"""journal: analysis of photos and links (attachments, analysis jobs)

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db.base import JSONType, UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "journal_attachments",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=True),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("thumb_key", sa.String(length=255), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("mime_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["journal_entries.id"], name=op.f("fk_journal_attachments_entry_id_journal_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_journal_attachments_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_attachments")),
    )
    op.create_index("ix_journal_attachments_entry_id", "journal_attachments", ["entry_id"], unique=False)
    op.create_index("ix_journal_attachments_user_entry", "journal_attachments", ["user_id", "entry_id"], unique=False)
    op.create_table(
        "journal_analyses",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("request", JSONType, nullable=False),
        sa.Column("attachment_id", sa.BigInteger(), nullable=True),
        sa.Column("drafts", JSONType, nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"], ["journal_attachments.id"],
            name=op.f("fk_journal_analyses_attachment_id_journal_attachments"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_journal_analyses_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_analyses")),
    )
    op.create_index("ix_journal_analyses_user_id", "journal_analyses", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_journal_analyses_user_id", table_name="journal_analyses")
    op.drop_table("journal_analyses")
    op.drop_index("ix_journal_attachments_user_entry", table_name="journal_attachments")
    op.drop_index("ix_journal_attachments_entry_id", table_name="journal_attachments")
    op.drop_table("journal_attachments")
