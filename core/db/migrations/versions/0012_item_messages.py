"""items: the chat messages an item was made of (edits follow them, an album's photos join one item), its photos, and
where a forwarded message came from

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db.base import JSONType, UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photos", JSONType, server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column("forwarded_from", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("forwarded_at", UTCDateTime(), nullable=True))
    op.create_table(
        "item_messages",
        sa.Column("id", _ID, nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("media_group_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_item_messages_item_id_items"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_messages")),
        sa.UniqueConstraint("chat_id", "message_id", name=op.f("uq_item_messages_chat_id_message_id")),
    )
    op.create_index("ix_item_messages_chat_media_group", "item_messages", ["chat_id", "media_group_id"],
                    unique=False)
    op.create_index("ix_item_messages_item_id", "item_messages", ["item_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_item_messages_item_id", table_name="item_messages")
    op.drop_index("ix_item_messages_chat_media_group", table_name="item_messages")
    op.drop_table("item_messages")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("forwarded_at")
        batch_op.drop_column("forwarded_from")
        batch_op.drop_column("photos")
