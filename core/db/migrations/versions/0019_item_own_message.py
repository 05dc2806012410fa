"""items: the chat message an item was made of, on the item itself (one INSERT per note instead of two); the
item_messages rows keep only an album's further photos

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("chat_id", "message_id", "media_group_id")
# each item's first linked message (the one that made it)
_FIRST = "SELECT min(id) FROM item_messages GROUP BY item_id"


def upgrade() -> None:
    # in place, not in a batch (a batch copies the table on SQLite)
    op.add_column("items", sa.Column("chat_id", sa.BigInteger(), nullable=True))
    op.add_column("items", sa.Column("message_id", sa.BigInteger(), nullable=True))
    op.add_column("items", sa.Column("media_group_id", sa.String(length=64), nullable=True))
    for column in _COLUMNS:
        op.execute(f"UPDATE items SET {column} = (SELECT m.{column} FROM item_messages m "
                   f"WHERE m.item_id = items.id AND m.id IN ({_FIRST}))")
    op.execute(f"DELETE FROM item_messages WHERE id IN ({_FIRST})")
    op.create_index("uq_items_chat_message", "items", ["chat_id", "message_id"], unique=True)
    op.create_index("ix_items_chat_media_group", "items", ["chat_id", "media_group_id"], unique=False)


def downgrade() -> None:
    op.execute("INSERT INTO item_messages (item_id, chat_id, message_id, media_group_id, created_at) "
               "SELECT id, chat_id, message_id, media_group_id, created_at FROM items "
               "WHERE chat_id IS NOT NULL AND message_id IS NOT NULL ORDER BY id")
    op.drop_index("ix_items_chat_media_group", table_name="items")
    op.drop_index("uq_items_chat_message", table_name="items")
    for column in reversed(_COLUMNS):
        if op.get_bind().dialect.name == "sqlite":  # in place too (SQLite 3.35+)
            op.execute(f"ALTER TABLE items DROP COLUMN {column}")
        else:
            op.drop_column("items", column)
