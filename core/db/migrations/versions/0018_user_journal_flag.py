"""users: whether the user has journal settings, so that a text's routing reads them only for those who set some

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # not in a batch: on SQLite that copies the table and drops the old one, and with foreign keys on, dropping users
    # deletes every row that cascades from them. SQLite adds a NOT NULL column with a constant default in place.
    op.add_column("users", sa.Column("has_journal_settings", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE users SET has_journal_settings = TRUE WHERE id IN (SELECT user_id FROM journal_settings)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # in place too (SQLite 3.35+), for the reason above
        op.execute("ALTER TABLE users DROP COLUMN has_journal_settings")
    else:
        op.drop_column("users", "has_journal_settings")
