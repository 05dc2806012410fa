"""topics: forum topics created in the group, and how each note was filed

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db.base import JSONType, UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "forum_topics",
        sa.Column("id", _ID, nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("topic_key", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("message_thread_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_topics")),
        sa.UniqueConstraint("group_id", "topic_key", name=op.f("uq_forum_topics_group_id_topic_key")),
    )
    op.create_table(
        "filed_notes",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=128), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("tags", JSONType, nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("is_heuristic", sa.Boolean(), nullable=False),
        sa.Column("degraded_code", sa.String(length=32), nullable=True),
        sa.Column("group_id", sa.BigInteger(), nullable=True),
        sa.Column("message_thread_id", sa.BigInteger(), nullable=True),
        sa.Column("group_outbox_ids", JSONType, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("confirm_outbox_id", sa.BigInteger(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_filed_notes_item_id_items"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_filed_notes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filed_notes")),
        sa.UniqueConstraint("item_id", name=op.f("uq_filed_notes_item_id")),
    )
    with op.batch_alter_table("filed_notes", schema=None) as batch_op:
        batch_op.create_index("ix_filed_notes_user_id", ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("filed_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_filed_notes_user_id")
    op.drop_table("filed_notes")
    op.drop_table("forum_topics")
