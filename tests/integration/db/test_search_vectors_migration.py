"""Migration 0017: on PostgreSQL with pgvector, ``search_docs.embedding`` appears holding the vectors already stored
as JSON (nothing to embed again) and follows every later write; down, it is gone; a server without pgvector (and
SQLite) gets nothing, and the search then compares in Python."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.ai import index
from core.db import migrate
from core.db.engine import make_session_factory

COLUMNS_POSTGRES = ("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                    "AND table_name = 'search_docs'")
COLUMNS_SQLITE = "SELECT name FROM pragma_table_info('search_docs')"
USER = ("INSERT INTO users (id, first_name, language, timezone, reminder_minutes, created_at, updated_at, "
        "last_seen_at) VALUES (1, 'A', 'en', 'UTC', 15, now(), now(), now())")
DOC = ("INSERT INTO search_docs (user_id, source, source_id, title, body, content, vector, vector_model, updated_at) "
       "VALUES (1, 'entry', :n, '', '', '', CAST(:v AS jsonb), :m, now())")
# what an embedded text, a reset one, and oddities no provider writes (empty, a JSON object) hold before 0017
VECTORS: dict[int, list[float] | None] = {1: [0.6, 0.8], 2: [0.0, 0.0, 1.0], 3: None, 4: []}


async def _column(engine: AsyncEngine) -> bool:
    query = COLUMNS_POSTGRES if engine.dialect.name == "postgresql" else COLUMNS_SQLITE
    async with engine.connect() as conn:
        return index.EMBEDDING_COLUMN in set(await conn.scalars(text(query)))


async def _embeddings(engine: AsyncEngine) -> dict[int, list[float] | None]:
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT source_id, CAST(embedding AS text) FROM search_docs"))).all()
    return {int(n): None if e is None else json.loads(e) for n, e in rows}


@pytest.fixture
def fresh_detection(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The column looked up and the vectors read afresh (the scratch database has the test database's URL)."""
    monkeypatch.setattr(index, "_EMBEDDING", {})
    index.CACHE.clear()
    yield
    index.CACHE.clear()


@pytest.mark.usefixtures("fresh_detection")
class TestWithPgvector:
    async def test_the_column_is_back_filled_follows_writes_and_goes_down(self, scratch_engine: AsyncEngine) -> None:
        if scratch_engine.dialect.name != "postgresql":
            pytest.skip("pgvector is a PostgreSQL extension (SQLite: TestWithoutPgvector)")
        await migrate.upgrade(scratch_engine, "0016")
        async with scratch_engine.begin() as conn:
            await conn.execute(text(USER))
            for n, vector in VECTORS.items():
                await conn.execute(text(DOC), {"n": n, "v": json.dumps(vector), "m": "test"})
            await conn.execute(text(DOC), {"n": 5, "v": '{"a": 1}', "m": "test"})
        await migrate.upgrade(scratch_engine)
        assert await _embeddings(scratch_engine) == {1: [0.6, 0.8], 2: [0.0, 0.0, 1.0], 3: None, 4: None, 5: None}
        async with make_session_factory(scratch_engine)() as s:
            assert await index.has_pgvector(s)
            await index.store_vectors(s, 1, "test", [(3, "", [3.0, 4.0])])  # a vector stored after 0017
            await index.put(s, index.Doc(user_id=1, source="entry", source_id=1, number=None, title="changed",
                                         body="", day=None))  # a changed text loses its vector
            await s.commit()
            statements: list[str] = []
            event.listen(scratch_engine.sync_engine, "before_cursor_execute",
                         lambda _c, _k, statement, *_a: statements.append(statement))
            assert await index.nearest(s, 1, "test", [1.0, 1.0]) == pytest.approx({3: 0.98995}, abs=1e-4)
            assert any("embedding OPERATOR(" in q for q in statements)
        assert await _embeddings(scratch_engine) == {1: None, 2: [0.0, 0.0, 1.0], 3: [0.6, 0.8], 4: None, 5: None}
        await migrate.downgrade(scratch_engine, "0016")
        assert not await _column(scratch_engine)
        await migrate.upgrade(scratch_engine)
        assert await _column(scratch_engine)


@pytest.mark.usefixtures("fresh_detection")
class TestWithoutPgvector:
    async def test_sqlite_gets_nothing(self, scratch_engine: AsyncEngine) -> None:
        if scratch_engine.dialect.name != "sqlite":
            pytest.skip("SQLite's case")
        await migrate.upgrade(scratch_engine)
        assert not await _column(scratch_engine)

    async def test_a_server_without_it_gets_nothing_and_python_compares(
            self, scratch_engine_without_pgvector: AsyncEngine) -> None:
        engine = scratch_engine_without_pgvector
        await migrate.upgrade(engine)
        assert not await _column(engine)
        async with engine.begin() as conn:
            await conn.execute(text(USER))
            await conn.execute(text(DOC), {"n": 1, "v": "[0.6, 0.8]", "m": "test"})
        async with make_session_factory(engine)() as s:
            assert not await index.has_pgvector(s)
            assert await index.nearest(s, 1, "test", [1.0, 0.0]) == pytest.approx({1: 0.6})
        await migrate.downgrade(engine, "0016")
        await migrate.upgrade(engine)
        assert not await _column(engine)
