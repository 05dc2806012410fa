"""search: the embeddings in a native pgvector column beside their JSON, on PostgreSQL when the server has pgvector

``search_docs.embedding`` is generated from ``vector`` (the normalized embedding the ``search.embed`` job stores as
JSON), so the database keeps the two in step on every write, and adding the column computes it for the rows already
embedded: nothing is embedded again. No fixed dimension, since users' providers differ. core/ai/index.py compares with
``<=>`` when the column exists. A server without pgvector, or a role that may not create the extension, gets nothing
and the cosine stays in Python. SQLite: nothing. The column is not in the models (SQLite has no such type), like
0014's ``tsv``.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMBEDDING_COLUMN = "embedding"
MAX_DIMENSIONS = 16000  # pgvector's limit for its vector type
# the JSON array read as a pgvector (their text forms agree); a reset vector (JSON null), an empty or an oversized
# array give NULL. The CASEs are nested: AND does not promise to test jsonb_typeof first.
_FROM_JSON = ("CASE WHEN jsonb_typeof(vector) = 'array' THEN CASE WHEN jsonb_array_length(vector) BETWEEN 1 AND "
              f"{MAX_DIMENSIONS} THEN CAST(CAST(vector AS text) AS {{schema}}.vector) END END")
_ADD = (f"ALTER TABLE search_docs ADD COLUMN IF NOT EXISTS {EMBEDDING_COLUMN} {{schema}}.vector "
        f"GENERATED ALWAYS AS ({_FROM_JSON}) STORED")


def _pgvector_schema() -> str | None:
    """pgvector's schema (quoted as needed), creating the extension when the server has it and we may."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).first() is None:
        return None
    nested = bind.begin_nested()  # a refused CREATE leaves the migration going
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
        nested.commit()
    except sa.exc.DBAPIError:
        nested.rollback()
    schema = bind.execute(sa.text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'vector'")).scalar()
    return None if schema is None else str(schema)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = _pgvector_schema()
    if schema is not None:
        op.execute(_ADD.format(schema=schema))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE search_docs DROP COLUMN IF EXISTS {EMBEDDING_COLUMN}")
