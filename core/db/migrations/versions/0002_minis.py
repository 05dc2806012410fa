"""minis: miniature types, per-stage counters, move history

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db.base import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "minis_types",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_minis_types_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minis_types")),
        sa.UniqueConstraint("user_id", "name_key", name=op.f("uq_minis_types_user_id_name_key")),
    )
    op.create_table(
        "minis_stage_counts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("type_id", sa.BigInteger(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_minis_stage_counts_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["type_id"], ["minis_types.id"], name=op.f("fk_minis_stage_counts_type_id_minis_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minis_stage_counts")),
        sa.UniqueConstraint("type_id", "stage", name=op.f("uq_minis_stage_counts_type_id_stage")),
    )
    op.create_table(
        "minis_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("type_id", sa.BigInteger(), nullable=False),
        sa.Column("from_stage", sa.String(length=16), nullable=True),
        sa.Column("to_stage", sa.String(length=16), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["type_id"], ["minis_types.id"], name=op.f("fk_minis_history_type_id_minis_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minis_history")),
    )
    with op.batch_alter_table("minis_history", schema=None) as batch_op:
        batch_op.create_index("ix_minis_history_type_created", ["type_id", "created_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("minis_history", schema=None) as batch_op:
        batch_op.drop_index("ix_minis_history_type_created")

    op.drop_table("minis_history")
    op.drop_table("minis_stage_counts")
    op.drop_table("minis_types")
