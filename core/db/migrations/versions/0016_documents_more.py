"""documents: pages read by OCR, the blocks' embeddings by the user's provider (and which model made them), an index
to purge old streamed events by age

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("files", schema=None) as batch:
        batch.add_column(sa.Column("ocr_pages", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("embedding_model", sa.String(length=128), nullable=True))
    with op.batch_alter_table("file_blocks", schema=None) as batch:
        batch.add_column(sa.Column("semantic", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("chat_events", schema=None) as batch:
        batch.create_index("ix_chat_events_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chat_events", schema=None) as batch:
        batch.drop_index("ix_chat_events_created_at")
    with op.batch_alter_table("file_blocks", schema=None) as batch:
        batch.drop_column("semantic")
    with op.batch_alter_table("files", schema=None) as batch:
        batch.drop_column("embedding_model")
        batch.drop_column("ocr_pages")
