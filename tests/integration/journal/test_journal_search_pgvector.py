"""The vector half of the journal's search in the database: where migration 0017 gave ``search_docs`` its native
pgvector column, ``embedding <=>`` is what ranks by default (the SQL says so) and it ranks as the cosine in Python
does over the same vectors; without the column the Python path answers. PostgreSQL only; with CI=true and a local
server (``make pgvector`` builds the extension for it) a missing column fails the run instead of skipping."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from journal_helpers import SignIn, embed_all, history
from sqlalchemy import event, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import index
from core.ai.jobs import model_name
from core.ai.local_provider import LocalProvider
from core.ai.models import SearchDoc
from core.runtime import Runtime
from tests.conftest import IN_CI

NATIVE = re.compile(r"\bembedding OPERATOR\((\w+\.)?<=>\)")
QUESTIONS = ["coffee Starbucks", "Кому я одолжил зарядку?", "morning run park", "хлеб молоко", "book"]


async def _local_server(session: AsyncSession, url: str) -> bool:
    """The database is this machine's server (the one ``make pgvector`` installs the extension into)."""
    if make_url(url).host not in ("127.0.0.1", "localhost", "::1"):
        return False
    major = int(str(await session.scalar(text("SHOW server_version_num")))) // 10000
    return Path(f"/usr/lib/postgresql/{major}/bin/postgres").exists()  # noqa: ASYNC240 (one stat, in a test)


@pytest.fixture
async def pgvector(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """The native column (migration 0017 adds it when the server has pgvector), detected afresh."""
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("pgvector is a PostgreSQL extension")
    monkeypatch.setattr(index, "_EMBEDDING", {})
    async with runtime.session_factory() as s:
        if not await index.has_pgvector(s):
            reason = "search_docs has no pgvector column: the server had no pgvector; `make pgvector` builds it"
            if IN_CI and await _local_server(s, runtime.settings.database_url):
                pytest.fail(reason)
            pytest.skip(reason)
    index.CACHE.clear()
    yield
    index.CACHE.clear()


@pytest.fixture
def statements(runtime: Runtime) -> Iterator[list[str]]:
    """The SQL the test database receives."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(runtime.engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(runtime.engine.sync_engine, "before_cursor_execute", record)


async def _query(question: str) -> list[float]:
    return (await LocalProvider().embed([question]))[0].vector


def _native(statements: list[str]) -> bool:
    """Some statement compared the native column with pgvector's (schema-qualified) ``<=>``."""
    return any(NATIVE.search(q) for q in statements)


def _ranked(found: dict[int, float]) -> list[int]:
    return [doc_id for doc_id, _ in sorted(found.items(), key=lambda kv: (-kv[1], -kv[0]))]


async def _doc_ids(s: AsyncSession, entry_ids: dict[str, int]) -> dict[str, int]:
    """The index rows (what ``nearest`` answers with) of the entries."""
    rows = {int(entry_id): int(doc_id) for entry_id, doc_id in (await s.execute(select(
        SearchDoc.source_id, SearchDoc.id).where(SearchDoc.source == "entry",
                                                 SearchDoc.source_id.in_(list(entry_ids.values()))))).all()}
    return {name: rows[entry_id] for name, entry_id in entry_ids.items()}


async def _put(s: AsyncSession, user_id: int, n: int, vector: list[float], model: str = "test:dense") -> int:
    """An index row with exactly this vector; its id."""
    await index.put(s, index.Doc(user_id=user_id, source="entry", source_id=n, number=n, title=f"t{n}", body="",
                                 day=None))
    await s.flush()
    row_id = int(await s.scalar(select(SearchDoc.id).where(SearchDoc.source_id == n)) or 0)
    await s.execute(update(SearchDoc).where(SearchDoc.id == row_id).values(vector=vector, vector_model=model))
    return row_id


@pytest.mark.usefixtures("pgvector")
class TestWithPgvector:
    async def test_the_database_ranks_as_python_does(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                      runtime: Runtime, statements: list[str]) -> None:
        h = await sign_in(9201, "ru")
        ids = await history(api, h)
        await embed_all(runtime, 9201)
        model = model_name(LocalProvider())
        async with runtime.session_factory() as s:
            docs = await _doc_ids(s, ids)
            for question in QUESTIONS:
                query = await _query(question)
                statements.clear()
                in_sql = await index.nearest(s, 9201, model, query, limit=3, also=[docs["book"]])
                assert _native(statements), question  # unasked, the database compared the native column
                statements.clear()
                in_python = await index.nearest(s, 9201, model, query, limit=3, also=[docs["book"]],
                                                use_pgvector=False)
                assert not any("<=>" in q for q in statements), question
                assert in_sql, question
                assert _ranked(in_sql) == _ranked(in_python), question
                assert in_sql == pytest.approx(in_python, abs=1e-4), question
                by_sql = await index.search(s, 9201, question, query_vector=query, model=model, limit=5)
                by_python = await index.search(s, 9201, question, query_vector=query, model=model, limit=5,
                                               use_pgvector=False)
                assert [h.source_id for h in by_sql] == [h.source_id for h in by_python], question
                assert [h.score for h in by_sql] == pytest.approx([h.score for h in by_python], abs=1e-3)

    async def test_the_column_holds_the_stored_vector(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                      runtime: Runtime) -> None:
        """The database generates it from the JSON ``store_vectors`` writes; a changed text loses both."""
        h = await sign_in(9204, "en")
        ids = await history(api, h)
        await embed_all(runtime, 9204)
        async with runtime.unit_of_work() as s:
            rows = (await s.execute(text(
                "SELECT source_id, CAST(vector AS text), CAST(embedding AS text) FROM search_docs "
                "WHERE user_id = 9204"))).all()
            assert len(rows) == len(ids)
            for _, stored, native in rows:
                assert json.loads(native) == pytest.approx(json.loads(stored), abs=1e-6)
            await index.put(s, index.Doc(user_id=9204, source="entry", source_id=ids["run"], number=None,
                                         title="Evening swim", body="", day=None))
        async with runtime.session_factory() as s:
            assert (await s.execute(text(
                "SELECT vector, embedding FROM search_docs WHERE source = 'entry' AND source_id = :i"),
                {"i": ids["run"]})).one() == (None, None)

    async def test_edge_vectors_count_as_in_python(self, sign_in: SignIn, runtime: Runtime,
                                                   statements: list[str]) -> None:
        """Only positive cosines count (a zero vector's NaN, an orthogonal or opposite text are no match), a vector of
        another size or model is skipped, equal cosines go to the newer text, ``also`` adds a text past the limit."""
        await sign_in(9202)
        async with runtime.unit_of_work() as s:
            same = [await _put(s, 9202, n, [0.8, 0.6, 0.0, 0.0]) for n in (1, 2)]
            best = await _put(s, 9202, 3, [1.0, 0.0, 0.0, 0.0])
            far = await _put(s, 9202, 4, [0.0, 0.6, 0.8, 0.0])
            nothing = [await _put(s, 9202, 5, [0.0, 0.0, 0.0, 1.0]), await _put(s, 9202, 6, [-1.0, 0.0, 0.0, 0.0]),
                       await _put(s, 9202, 7, [0.0, 0.0, 0.0, 0.0]), await _put(s, 9202, 8, [1.0, 0.0, 0.0]),
                       await _put(s, 9202, 9, [1.0, 0.0, 0.0, 0.0], model="test:other")]
        query = [1.0, 0.1, 0.0, 0.0]
        async with runtime.session_factory() as s:
            for use_pgvector in (True, False):
                statements.clear()
                near = await index.nearest(s, 9202, "test:dense", query, limit=3, use_pgvector=use_pgvector)
                assert _native(statements) is use_pgvector
                assert _ranked(near) == [best, same[1], same[0]], use_pgvector
                tie = await index.nearest(s, 9202, "test:dense", query, limit=2, use_pgvector=use_pgvector)
                assert set(tie) == {best, same[1]}, use_pgvector  # of two equal cosines, the newer text is kept
                wide = await index.nearest(s, 9202, "test:dense", query, limit=1, use_pgvector=use_pgvector,
                                           also=[far, *nothing])
                assert _ranked(wide) == [best, far], use_pgvector
                assert wide[far] == pytest.approx(0.06 / (1.01 ** 0.5), abs=1e-4)
                assert await index.nearest(s, 9202, "test:dense", [0.0, 0.0, 0.0, 1.0], use_pgvector=use_pgvector,
                                           also=[best]) == pytest.approx({nothing[0]: 1.0})

    async def test_without_the_column_python_answers(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                     runtime: Runtime, statements: list[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
        h = await sign_in(9203, "en")
        ids = await history(api, h)
        await embed_all(runtime, 9203)
        model = model_name(LocalProvider())
        query = await _query("coffee Starbucks")
        async with runtime.session_factory() as s:
            docs = await _doc_ids(s, ids)
            with_it = await index.nearest(s, 9203, model, query)
            # as on a server without pgvector (migration 0017 then adds nothing); rolled back: other tests keep it
            await s.execute(text(f"ALTER TABLE search_docs DROP COLUMN {index.EMBEDDING_COLUMN}"))
            monkeypatch.setattr(index, "_EMBEDDING", {})
            statements.clear()
            assert not await index.has_pgvector(s)
            without = await index.nearest(s, 9203, model, query)
            hits = await index.search(s, 9203, "coffee Starbucks", query_vector=query, model=model, limit=3)
            assert statements and not any("<=>" in q for q in statements)
            await s.rollback()
        assert _ranked(without) == _ranked(with_it) and _ranked(without)[0] == docs["coffee"]
        assert hits[0].source_id == ids["coffee"] and hits[0].cosine > 0.3
