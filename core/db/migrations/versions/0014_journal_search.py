"""journal: full-text and embedding search over entries and notes (the ``search_docs`` index; FTS5 on SQLite,
tsvector in Russian and English plus pg_trgm on PostgreSQL; pgvector, when the server has it, is switched on here and
used at query time, see core/ai/index.py)

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db.base import JSONType, UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# SQLite: an external-content FTS5 table over search_docs.content, kept by triggers
_SQLITE = [
    "CREATE VIRTUAL TABLE search_docs_fts USING fts5(content, content='search_docs', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_docs_fts_ai AFTER INSERT ON search_docs BEGIN "
    "INSERT INTO search_docs_fts(rowid, content) VALUES (new.id, new.content); END",
    "CREATE TRIGGER search_docs_fts_ad AFTER DELETE ON search_docs BEGIN "
    "INSERT INTO search_docs_fts(search_docs_fts, rowid, content) VALUES ('delete', old.id, old.content); END",
    "CREATE TRIGGER search_docs_fts_au AFTER UPDATE OF content ON search_docs BEGIN "
    "INSERT INTO search_docs_fts(search_docs_fts, rowid, content) VALUES ('delete', old.id, old.content); "
    "INSERT INTO search_docs_fts(rowid, content) VALUES (new.id, new.content); END",
]
# PostgreSQL: the words in both languages' stems, stored once per row (a generated column, PostgreSQL ≥ 12: ranking
# reads it instead of parsing the text twice for every matching row) under a GIN index; trigrams for word forms the
# stemmers miss. The column is not in the model (SQLite has no such type): core/ai/index.py queries it by name.
TSVECTOR = "(to_tsvector('russian', content) || to_tsvector('english', content))"
TSV_COLUMN = "tsv"
_TSV_ADD = f"ALTER TABLE search_docs ADD COLUMN {TSV_COLUMN} tsvector GENERATED ALWAYS AS ({TSVECTOR}) STORED"
_TSV_INDEX = f"CREATE INDEX ix_search_docs_fts_tsv ON search_docs USING gin ({TSV_COLUMN})"
_TRGM_INDEX = 'CREATE INDEX ix_search_docs_fts_trgm ON search_docs USING gin (content "{schema}".gin_trgm_ops)'


def _try_extension(name: str) -> None:
    """CREATE EXTENSION if the server has it and we may (inside a savepoint: a refusal leaves the migration going)."""
    bind = op.get_bind()
    available = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = :n"), {"n": name}).first()
    if available is None:
        return
    nested = bind.begin_nested()
    try:
        bind.execute(sa.text(f"CREATE EXTENSION IF NOT EXISTS {name}"))
        nested.commit()
    except sa.exc.DBAPIError:
        nested.rollback()


# the journal dashboard's covering indexes: its period scans and top terms read no table rows (core/journal/stats.py)
_JOURNAL_INDEXES = [
    ("ix_journal_entries_user_day_live", "journal_entries",
     ["user_id", "happened_on", "deleted_at", "action", "currency", "amount_minor", "category"]),
    ("ix_journal_entry_terms_user_kind_key_entry", "journal_entry_terms",
     ["user_id", "kind", "key", "entry_id", "value"]),
]


def upgrade() -> None:
    for name, table, columns in _JOURNAL_INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.create_table(
        "search_docs",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("vector", JSONType, nullable=True),
        sa.Column("vector_model", sa.String(length=80), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_search_docs_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_docs")),
        sa.UniqueConstraint("source", "source_id", name=op.f("uq_search_docs_source_source_id")),
    )
    op.create_index("ix_search_docs_user_source", "search_docs", ["user_id", "source"], unique=False)
    op.create_index("ix_search_docs_user_model", "search_docs", ["user_id", "vector_model"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _try_extension("pg_trgm")
        _try_extension("vector")
        op.execute(_TSV_ADD)
        op.execute(_TSV_INDEX)
        trgm = op.get_bind().execute(sa.text(  # its schema: the search path may not hold it
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")).scalar()
        if trgm is not None:
            op.execute(_TRGM_INDEX.format(schema=str(trgm).strip('"')))
    else:
        for statement in _SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_docs_fts_trgm")
        op.execute("DROP INDEX IF EXISTS ix_search_docs_fts_tsv")
        op.execute(f"ALTER TABLE search_docs DROP COLUMN IF EXISTS {TSV_COLUMN}")
    else:
        for name in ("search_docs_fts_au", "search_docs_fts_ad", "search_docs_fts_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_docs_fts")
    op.drop_index("ix_search_docs_user_model", table_name="search_docs")
    op.drop_index("ix_search_docs_user_source", table_name="search_docs")
    op.drop_table("search_docs")
    for name, table, _columns in reversed(_JOURNAL_INDEXES):
        op.drop_index(name, table_name=table)
