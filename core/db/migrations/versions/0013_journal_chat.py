"""journal: what a chat proposal needs beyond its drafts (the message it came from, its day, a reminder to make, the
note it replaces, a failed analysis)

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("journal_proposals") as batch:
        batch.add_column(sa.Column("message_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("day", sa.Date(), nullable=True))
        batch.add_column(sa.Column("reminder_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("note_item_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("error_code", sa.String(length=64), nullable=True))
        batch.create_foreign_key(op.f("fk_journal_proposals_note_item_id_items"), "items", ["note_item_id"], ["id"],
                                 ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("journal_proposals") as batch:
        batch.drop_constraint(op.f("fk_journal_proposals_note_item_id_items"), type_="foreignkey")
        batch.drop_column("error_code")
        batch.drop_column("note_item_id")
        batch.drop_column("reminder_text")
        batch.drop_column("day")
        batch.drop_column("message_id")
