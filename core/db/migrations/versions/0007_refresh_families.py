"""auth: refresh tokens remember their login (family), so that a replayed rotated token revokes the whole login

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auth_refresh_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("family_id", sa.String(length=32), nullable=True))
    # an existing token is a login of its own (its lineage was not recorded)
    op.execute("UPDATE auth_refresh_tokens SET family_id = substr(token_hash, 1, 32)")
    with op.batch_alter_table("auth_refresh_tokens", schema=None) as batch_op:
        batch_op.alter_column("family_id", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_index(batch_op.f("ix_auth_refresh_tokens_family_id"), ["family_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auth_refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_refresh_tokens_family_id"))
        batch_op.drop_column("family_id")
