"""The vector half of the journal's search in the database: asked to, with pgvector in PostgreSQL, ``<=>`` is what
ranks (the SQL says so) and it ranks as the cosine in Python does over the same vectors; without the extension the
Python path answers. PostgreSQL only; with CI=true and a local server (``make pgvector`` builds the extension for it)
a missing extension fails the run instead of skipping."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from journal_helpers import SignIn, embed_all, history
from sqlalchemy import event, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import index
from core.ai.jobs import model_name
from core.ai.local_provider import LocalProvider
from core.ai.models import SearchDoc
from core.runtime import Runtime
from tests.conftest import IN_CI

QUESTIONS = ["coffee Starbucks", "Кому я одолжил зарядку?", "morning run park", "хлеб молоко", "book"]


async def _local_server(session: AsyncSession, url: str) -> bool:
    """The database is this machine's server (the one ``make pgvector`` installs the extension into)."""
    if make_url(url).host not in ("127.0.0.1", "localhost", "::1"):
        return False
    major = int(str(await session.scalar(text("SHOW server_version_num")))) // 10000
    return Path(f"/usr/lib/postgresql/{major}/bin/postgres").exists()  # noqa: ASYNC240 (one stat, in a test)


@pytest.fixture
async def pgvector(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """The extension in the test database (migration 0014 creates it when the server has it), detected afresh."""
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("pgvector is a PostgreSQL extension")
    async with runtime.session_factory() as s:
        try:
            await s.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
            await s.commit()
        except DBAPIError as exc:
            await s.rollback()
            reason = f"pgvector cannot be created here ({type(exc.orig).__name__}); `make pgvector` builds it"
            if IN_CI and await _local_server(s, runtime.settings.database_url):
                pytest.fail(reason)
            pytest.skip(reason)
    monkeypatch.setattr(index, "_PGVECTOR", {})
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
            assert await index.has_pgvector(s)
            docs = await _doc_ids(s, ids)
            for question in QUESTIONS:
                query = await _query(question)
                statements.clear()
                in_sql = await index.nearest(s, 9201, model, query, limit=3, also=[docs["book"]], use_pgvector=True)
                assert any("<=>" in q for q in statements), question  # the database compared the vectors
                in_python = await index.nearest(s, 9201, model, query, limit=3, also=[docs["book"]],
                                                use_pgvector=False)
                assert in_sql, question
                assert _ranked(in_sql) == _ranked(in_python), question
                assert in_sql == pytest.approx(in_python, abs=1e-4), question
                by_sql = await index.search(s, 9201, question, query_vector=query, model=model, limit=5,
                                            use_pgvector=True)
                by_python = await index.search(s, 9201, question, query_vector=query, model=model, limit=5)
                assert [h.source_id for h in by_sql] == [h.source_id for h in by_python], question
                assert [h.score for h in by_sql] == pytest.approx([h.score for h in by_python], abs=1e-3)
            statements.clear()  # unasked, the cached cosine in Python answers (the JSON cast makes the database slower)
            await index.search(s, 9201, "coffee", query_vector=await _query("coffee"), model=model, limit=5)
            assert statements and not any("<=>" in q for q in statements)

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
                assert any("<=>" in q for q in statements) is use_pgvector
                assert _ranked(near) == [best, same[1], same[0]], use_pgvector
                wide = await index.nearest(s, 9202, "test:dense", query, limit=1, use_pgvector=use_pgvector,
                                           also=[far, *nothing])
                assert _ranked(wide) == [best, far], use_pgvector
                assert wide[far] == pytest.approx(0.06 / (1.01 ** 0.5), abs=1e-4)

    async def test_without_the_extension_python_answers(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                        runtime: Runtime, statements: list[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
        h = await sign_in(9203, "en")
        ids = await history(api, h)
        await embed_all(runtime, 9203)
        model = model_name(LocalProvider())
        query = await _query("coffee Starbucks")
        async with runtime.session_factory() as s:
            docs = await _doc_ids(s, ids)
            with_it = await index.nearest(s, 9203, model, query, use_pgvector=True)
            await s.execute(text("DROP EXTENSION vector"))  # rolled back below: the other tests keep it
            monkeypatch.setattr(index, "_PGVECTOR", {})
            statements.clear()
            assert not await index.has_pgvector(s)
            without = await index.nearest(s, 9203, model, query, use_pgvector=True)
            hits = await index.search(s, 9203, "coffee Starbucks", query_vector=query, model=model, limit=3,
                                      use_pgvector=True)
            assert not any("<=>" in q for q in statements)
            await s.rollback()
        assert _ranked(without) == _ranked(with_it) and _ranked(without)[0] == docs["coffee"]
        assert hits[0].source_id == ids["coffee"] and hits[0].cosine > 0.3
