"""secretary: item due dates and search text, pending clarifying questions, the undo log

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db.base import JSONType, UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    _backfill_search_text()

    op.create_table(
        "pending_clarifications",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("candidates", JSONType, nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_pending_clarifications_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pending_clarifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_clarifications")),
        sa.UniqueConstraint("user_id", name=op.f("uq_pending_clarifications_user_id")),
    )

    op.create_table(
        "item_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("before", JSONType, nullable=False),
        sa.Column("undone_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_changes_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_item_changes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_changes")),
    )
    with op.batch_alter_table("item_changes", schema=None) as batch_op:
        batch_op.create_index("ix_item_changes_user_id_id", ["user_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_item_changes_user_id_id")
    op.drop_table("item_changes")
    op.drop_table("pending_clarifications")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("search_text")
        batch_op.drop_column("due_date")


def _backfill_search_text() -> None:
    """Case-folded in Python: SQLite's lower() folds ASCII only, and /find must match "Иван" with "иван"."""
    items = sa.table("items", sa.column("id", sa.BigInteger()), sa.column("title", sa.String()),
                     sa.column("text", sa.Text()), sa.column("search_text", sa.Text()))
    bind = op.get_bind()
    for row in bind.execute(sa.select(items.c.id, items.c.title, items.c.text)).all():
        value = f"{row.title}\n{row.text}".casefold()
        bind.execute(items.update().where(items.c.id == row.id).values(search_text=value))
