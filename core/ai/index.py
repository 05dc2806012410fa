"""The search index over a user's own texts (journal entries, notes), shared by the apps that write it and /ask that
reads it: hybrid retrieval = full text (FTS5 on SQLite; tsvector in Russian and English plus pg_trgm on PostgreSQL)
blended with the cosine of embeddings from the user's provider.

An app calls ``put``/``drop`` in the unit of work that changes its text (the full text is current at once) and
``enqueue_embedding``; the ``search.embed`` job then embeds the user's texts whose vector is missing or made by
another model. A job that calls the user's provider anyway (the filing of a new note) can take that over
(``embedded_by_job``, then ``core.ai.jobs.EmbedAlong`` in the job): the note costs one job, not two.
The vectors are stored normalized as JSON; on PostgreSQL with pgvector, migration 0017 adds
``search_docs.embedding``, a native ``vector`` the database generates from that JSON, and the nearest texts are then
found with ``<=>`` in the database (the column looked up once per database at run time). Elsewhere the cosine is
computed in Python over the user's vectors, kept per process until they change.
Every query is scoped to one user.
"""

from __future__ import annotations

import array
import datetime as dt
import math
import re
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai.local_rules import STOPWORDS
from core.ai.models import SearchDoc
from core.db.base import utcnow
from core.db.engine import dialect_name, execute_core, insert_ignoring
from core.queue.jobs import enqueue_at_commit

EMBED_JOB = "search.embed"
EMBED_BATCH = 200  # texts embedded per unit of work
EMBED_WINDOW = 2.0  # seconds: a user's changes within one window share one embedding job (enqueue_embedding)
_QUEUED_KEY = "search.embed.users"  # session.info: users whose texts a job of this unit of work embeds
CANDIDATES = 50  # taken from each of full text and vectors before blending
VECTOR_WEIGHT = 0.6  # a cosine of 1 weighs 0.6 of the best full-text score
BODY_CHARS = 1000
QUERY_TERMS = 12
CACHED_USERS = 16
PGVECTOR_BY_DEFAULT = True  # pgvector compares where the database has the native column (docs/performance.md)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
QUESTION_WORDS = frozenset(
    ["сколько", "кому", "кого", "чего", "чем", "когда", "какой", "какая", "какие", "каких", "куда", "откуда",
     "зачем", "почему", "ли", "раз", "всего", "how", "much", "many", "what", "when", "where", "who", "whom", "which",
     "did", "do", "does", "was", "were", "have", "has", "had", "my", "me", "i", "you", "the", "a", "an", "of", "on",
     "in", "to", "for", "with", "at", "by", "from", "last", "this", "ever"])
_ENDINGS = ("ies", "es", "s")


@dataclass(frozen=True)
class Doc:
    """One text as its owning app gives it."""

    user_id: int
    source: str  # entry, note
    source_id: int
    number: int | None
    title: str
    body: str
    day: dt.date | None
    keywords: str = ""  # searched, never shown (a category's names in both languages…)


@dataclass(frozen=True)
class Hit:
    source: str
    source_id: int
    number: int | None
    title: str
    body: str
    day: dt.date | None
    score: float
    text_score: float = 0.0
    cosine: float = 0.0


@dataclass
class Fact:
    """An exact figure an app computed from its tables for a question (sum or count), or just the filters the
    question names. ``filters`` use the journal list's query names (category, people, dateFrom, dateTo, q…)."""

    kind: str | None  # sum | count | None (no figure: filters only)
    filters: dict[str, Any] = field(default_factory=dict)
    count: int = 0
    totals: list[tuple[str, float]] = field(default_factory=list)  # (currency, amount)
    source: str = "entry"
    source_ids: list[int] = field(default_factory=list)  # what the figure is made of, newest first
    labels: list[str] = field(default_factory=list)  # what the filters mean, in the user's language


def content_of(*parts: str) -> str:
    return " ".join(" ".join(p for p in parts if p).split()).casefold()


def terms(question: str) -> list[str]:
    """The question's searchable word stems (casefolded, stop and question words out, at most QUERY_TERMS)."""
    out: list[str] = []
    for word in _WORD.findall(question.casefold()):
        if word in STOPWORDS or word in QUESTION_WORDS or (len(word) < 3 and not word.isdigit()):
            continue
        stem = stem_of(word)
        if stem not in out:
            out.append(stem)
    return out[:QUERY_TERMS]


def stem_of(word: str) -> str:
    """A crude stem both languages survive: numbers whole; English plurals cut; words to their first five letters."""
    if word.isdigit():
        return word
    if word.isascii():
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                word = word[: -len(ending)]
                break
    return word[:5] if len(word) > 5 else word


# --- writing -------------------------------------------------------------------------------------------------------

async def put(session: AsyncSession, doc: Doc) -> None:
    """Insert or refresh one text; a changed text loses its vector (the embed job makes a new one). The insert
    tolerates the row appearing meanwhile (two first questions of one user back-filling the same text at once): it
    then refreshes that row."""
    content = content_of(doc.title, doc.body, doc.keywords)
    if await _insert(session, doc, content):  # most texts are new: one statement for them
        return
    row = await _row_of(session, doc)
    if row is None:  # inserted and already gone again (dropped concurrently): nothing to refresh
        return
    if row.content != content:
        row.vector, row.vector_model = None, None
    row.user_id, row.number, row.title, row.body, row.content, row.day = (
        doc.user_id, doc.number, doc.title[:500], doc.body[:BODY_CHARS], content, doc.day)
    row.updated_at = utcnow()


async def _row_of(session: AsyncSession, doc: Doc) -> SearchDoc | None:
    return await session.scalar(select(SearchDoc).where(SearchDoc.source == doc.source,
                                                        SearchDoc.source_id == doc.source_id))


# built once: every note and entry is put here (its cache key is not made again per call)
_INSERT = insert_ignoring(SearchDoc, ("user_id", "source", "source_id", "number", "title", "body", "content", "day",
                                      "updated_at"), ["source", "source_id"], SearchDoc.id)


async def _insert(session: AsyncSession, doc: Doc, content: str) -> bool:
    """INSERT … ON CONFLICT (source, source_id) DO NOTHING (the table's unique key); whether it inserted."""
    values = {"b_user_id": doc.user_id, "b_source": doc.source, "b_source_id": doc.source_id, "b_number": doc.number,
              "b_title": doc.title[:500], "b_body": doc.body[:BODY_CHARS], "b_content": content, "b_day": doc.day,
              "b_updated_at": utcnow()}
    inserted = await execute_core(session, _INSERT[dialect_name(session)], values)
    return inserted.first() is not None


async def drop(session: AsyncSession, source: str, source_ids: Sequence[int]) -> None:
    if source_ids:
        await session.execute(delete(SearchDoc).where(SearchDoc.source == source,
                                                      SearchDoc.source_id.in_(list(source_ids))))


async def enqueue_embedding(session: AsyncSession, user_id: int) -> None:
    """The user's texts changed: one job embeds every text of theirs that needs it, a few seconds later.

    The job is keyed by the user and the EMBED_WINDOW the change falls in, and runs after that window has ended (and
    one more window, for the units of work still open at its end to commit): the notes a user sends in a burst share
    one job (one provider choice, one query, one batch), and the job is off the path of the replies to them. A text is
    found by its words at once (``put``); by its meaning once its vector is stored."""
    queued: set[int] = session.info.setdefault(_QUEUED_KEY, set())
    if user_id in queued:
        return
    queued.add(user_id)
    now = time.time()
    window = int(now // EMBED_WINDOW)
    await enqueue_at_commit(session, EMBED_JOB, {"user_id": user_id}, key=f"{EMBED_JOB}:{user_id}:{window}",
                      user_id=user_id, delay=(window + 2) * EMBED_WINDOW - now)


def embedded_by_job(session: AsyncSession, user_id: int) -> None:
    """A job this unit of work queues for the user embeds their due texts when it runs (``core.ai.jobs.EmbedAlong``,
    which queues the embedding job itself for what it leaves): their changes in this unit of work need no embedding
    job of their own. Call it before the changes (an embedding job already queued by this unit of work stays)."""
    session.info.setdefault(_QUEUED_KEY, set()).add(user_id)


# Built once (the embedding job runs them for every batch); the bind parameters carry the user, model and texts.
_DUE = (select(SearchDoc.id, SearchDoc.content)
        .where(SearchDoc.user_id == bindparam("user_id"),
               or_(SearchDoc.vector_model.is_(None), SearchDoc.vector_model != bindparam("model")))
        .order_by(SearchDoc.id).limit(bindparam("limit")))
_STORE = (update(SearchDoc)
          .where(SearchDoc.id == bindparam("b_id"), SearchDoc.user_id == bindparam("b_user"),
                 SearchDoc.content == bindparam("b_content"))
          .values(vector=bindparam("b_vector"), vector_model=bindparam("b_model"), updated_at=bindparam("b_now")))


async def due_for_embedding(session: AsyncSession, user_id: int, model: str, limit: int) -> list[tuple[int, str]]:
    rows = await execute_core(session, _DUE, {"user_id": user_id, "model": model, "limit": limit})
    return [(int(i), str(c)) for i, c in rows.all()]


async def store_vectors(session: AsyncSession, user_id: int, model: str,
                        rows: Sequence[tuple[int, str, list[float]]]) -> None:
    """Save the vectors of texts that did not change meanwhile (``content`` as embedded), normalized, in one
    statement for the batch. Where migration 0017 added the native ``embedding`` column, PostgreSQL generates it
    from this JSON in the same write."""
    if not rows:
        return
    now = utcnow()
    await execute_core(session, _STORE, [
        {"b_id": doc_id, "b_user": user_id, "b_content": content, "b_vector": normalized(vector), "b_model": model,
         "b_now": now} for doc_id, content, vector in rows])


def normalized(vector: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(v * v for v in vector))
    return [round(v / norm, 6) for v in vector] if norm else [float(v) for v in vector]


# --- full text -----------------------------------------------------------------------------------------------------

async def fulltext(session: AsyncSession, user_id: int, stems: Sequence[str], limit: int = CANDIDATES
                   ) -> dict[int, float]:
    """doc id → score (higher is better) of the user's texts holding any of the stems."""
    if not stems:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        return await _fulltext_postgres(session, user_id, stems, limit)
    match = " OR ".join(f'"{prefix_of(s)}"*' for s in stems)
    rows = await session.execute(text(
        "SELECT d.id, bm25(search_docs_fts) FROM search_docs_fts JOIN search_docs d ON d.id = search_docs_fts.rowid "
        "WHERE search_docs_fts MATCH :q AND d.user_id = :u ORDER BY bm25(search_docs_fts) LIMIT :n"),
        {"q": match, "u": user_id, "n": limit})
    return {int(i): -float(s) for i, s in rows.all()}


_RU_ENDINGS = frozenset("аеёиоуыэюяйь")


def prefix_of(stem: str) -> str:
    """What FTS5 (no Russian stemmer) matches a stem as a prefix of: a Russian word's one-letter ending dropped, so
    that a name or noun in another case still meets its entry ("пете", "маше", "игорю" → "пет*", "маш*", "игор*")."""
    if len(stem) >= 3 and not stem.isascii() and stem[-1] in _RU_ENDINGS and stem[-2] not in _RU_ENDINGS:
        return stem[:-1]
    return stem


_TSVECTOR = "tsv"  # search_docs' stored tsvector column in Russian and English, GIN-indexed (migration 0014)


async def _fulltext_postgres(session: AsyncSession, user_id: int, stems: Sequence[str], limit: int
                             ) -> dict[int, float]:
    """Two queries each an index serves (one with OR across both would read every row of the user): the tsquery
    through the stored tsvector's GIN index, ranked; the stems as substrings through the pg_trgm index, counted."""
    query = " | ".join(f"{s}:*" for s in stems)  # stems are letters and digits only: nothing to escape
    # the tsquery built once (MATERIALIZED): in a prepared statement's generic plan it would be rebuilt per row
    ranked = await session.execute(text(
        "WITH query AS MATERIALIZED (SELECT to_tsquery('russian', :q) || to_tsquery('english', :q) AS q) "
        f"SELECT id, ts_rank_cd({_TSVECTOR}, q) FROM search_docs, query "
        f"WHERE user_id = :u AND {_TSVECTOR} @@ q ORDER BY 2 DESC, id DESC LIMIT :n"),
        {"q": query, "u": user_id, "n": CANDIDATES * 4})
    scores = {int(i): float(r) for i, r in ranked.all()}
    likes = [s for s in stems if len(s) >= 3]
    if likes:
        params: dict[str, Any] = {"u": user_id, "n": CANDIDATES * 4}
        params.update({f"p{i}": f"%{s}%" for i, s in enumerate(likes)})
        hits = " + ".join(f"(CASE WHEN content LIKE :p{i} THEN 1 ELSE 0 END)" for i in range(len(likes)))
        any_like = " OR ".join(f"content LIKE :p{i}" for i in range(len(likes)))
        counted = await session.execute(text(
            f"SELECT id, {hits} FROM search_docs WHERE user_id = :u AND ({any_like}) ORDER BY 2 DESC, id DESC "
            "LIMIT :n"), params)
        for doc_id, n in counted.all():
            scores[int(doc_id)] = scores.get(int(doc_id), 0.0) + float(n)
    best = sorted(scores.items(), key=lambda kv: (-kv[1], -kv[0]))[:limit]
    return dict(best)


# --- vectors -------------------------------------------------------------------------------------------------------

EMBEDDING_COLUMN = "embedding"  # search_docs' native pgvector column (migration 0017), not in the model
_EMBEDDING: dict[str, str | None] = {}  # database → the schema of the column's vector type (None: no such column)


def _database_key(session: AsyncSession) -> str:
    bind = session.get_bind()
    return repr(bind.engine.url)  # the password is masked; a key in memory only


async def pgvector_schema(session: AsyncSession) -> str | None:
    """The schema (quoted as needed) of pgvector's type when this database's ``search_docs`` has the native
    ``embedding`` column, else None. Asked once per database and process: a column added later is used after a
    restart."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    key = _database_key(session)
    if key not in _EMBEDDING:
        _EMBEDDING[key] = await session.scalar(text(
            "SELECT t.typnamespace::regnamespace::text FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE a.attrelid = to_regclass('search_docs') AND a.attname = :c AND NOT a.attisdropped "
            "AND t.typname = 'vector'"), {"c": EMBEDDING_COLUMN})
    return _EMBEDDING[key]


async def has_pgvector(session: AsyncSession) -> bool:
    """Whether this database compares the vectors with pgvector (it has the native column)."""
    return await pgvector_schema(session) is not None


@dataclass
class _Vectors:
    stamp: tuple[Any, ...]
    ids: list[int]
    rows: list[array.array[float]]
    # sparse vectors (the offline provider's hashed bag of words): bucket → [(row, value)], so a query's few buckets
    # read only the rows that share them; None for dense vectors (a cloud provider's), compared row by row
    postings: dict[int, list[tuple[int, float]]] | None = None


def _postings(rows: list[array.array[float]]) -> dict[int, list[tuple[int, float]]] | None:
    size = sum(len(r) for r in rows)
    if not size or sum(1 for r in rows for v in r if v) > size // 4:
        return None
    out: dict[int, list[tuple[int, float]]] = {}
    for n, row in enumerate(rows):
        for i, v in enumerate(row):
            if v:
                out.setdefault(i, []).append((n, v))
    return out


class VectorCache:
    """A user's vectors of one model, per process, until any of them changes (count, newest change)."""

    def __init__(self) -> None:
        self._users: OrderedDict[tuple[str, int, str], _Vectors] = OrderedDict()

    async def vectors(self, session: AsyncSession, user_id: int, model: str) -> _Vectors:
        where = and_(SearchDoc.user_id == user_id, SearchDoc.vector_model == model)
        stamp = tuple((await session.execute(select(func.count(), func.max(SearchDoc.updated_at),
                                                           func.max(SearchDoc.id)).where(where))).one())
        key = (_database_key(session), user_id, model)
        cached = self._users.get(key)
        if cached is not None and cached.stamp == stamp:
            self._users.move_to_end(key)
            return cached
        rows = (await session.execute(select(SearchDoc.id, SearchDoc.vector).where(where))).all()
        vectors = [array.array("f", v or []) for _, v in rows]
        found = _Vectors(stamp, [int(i) for i, _ in rows], vectors, _postings(vectors))
        self._users[key] = found
        while len(self._users) > CACHED_USERS:
            self._users.popitem(last=False)
        return found

    def clear(self) -> None:
        self._users.clear()


CACHE = VectorCache()


async def nearest(session: AsyncSession, user_id: int, model: str, query: Sequence[float],
                  limit: int = CANDIDATES, *, use_pgvector: bool = PGVECTOR_BY_DEFAULT,
                  also: Sequence[int] = ()) -> dict[int, float]:
    """doc id → cosine of the user's texts embedded by ``model`` closest to ``query``, plus the cosine of the texts
    ``also`` names (full text's candidates: a text outside the ``limit`` nearest must not count as a cosine of 0
    against those inside when the two are blended). ``use_pgvector``: with pgvector's ``<=>`` in the database when
    it has the native column; False: in Python always."""
    q = normalized(query)
    if not any(q):
        return {}
    schema = await pgvector_schema(session) if use_pgvector else None
    if schema is not None:
        return await _nearest_pgvector(session, schema, user_id, model, q, limit, also)
    found = await CACHE.vectors(session, user_id, model)
    nonzero = [(i, v) for i, v in enumerate(q) if v]  # a hashed bag of words is sparse: only its buckets count
    size = len(q)
    if found.postings is not None:
        sums: dict[int, float] = {}
        for i, v in nonzero:
            for n, w in found.postings.get(i, ()):
                sums[n] = sums.get(n, 0.0) + v * w
        scored = [(total, found.ids[n]) for n, total in sums.items() if len(found.rows[n]) == size]
    else:
        scored = [(sum(v * row[i] for i, v in nonzero), doc_id)
                  for doc_id, row in zip(found.ids, found.rows, strict=True) if len(row) == size]
    wanted = set(also)
    extra = {doc_id: cosine for cosine, doc_id in scored if doc_id in wanted and cosine > 0}
    scored.sort(reverse=True)
    return {**extra, **{doc_id: cosine for cosine, doc_id in scored[:limit] if cosine > 0}}


async def _nearest_pgvector(session: AsyncSession, schema: str, user_id: int, model: str, q: list[float],
                            limit: int, also: Sequence[int]) -> dict[int, float]:
    """``nearest`` in the database over the native column, giving what the Python path gives: the user's rows of
    this model and of the query's size only (``<=>`` refuses two sizes), positive cosines only (a zero vector's NaN,
    an unrelated text's 0 are no match), ties by the newer id. Type, function and operator are named in pgvector's
    schema (the search path may not hold it); the query vector is cast once (MATERIALIZED: in a prepared statement's
    generic plan the cast would be repeated per row) and each row's cosine computed once."""
    matching = "cosine > 0 AND cosine <> 'NaN'"
    rows = await session.execute(text(
        f"WITH query AS MATERIALIZED (SELECT CAST(CAST(:q AS text) AS {schema}.vector) AS q), "
        f"scored AS MATERIALIZED (SELECT id, 1 - ({EMBEDDING_COLUMN} OPERATOR({schema}.<=>) q) AS cosine "
        f"FROM search_docs, query WHERE user_id = :u AND vector_model = :m "
        f"AND {schema}.vector_dims({EMBEDDING_COLUMN}) = :d) "
        f"(SELECT id, cosine FROM scored WHERE {matching} ORDER BY cosine DESC, id DESC LIMIT :n) "
        f"UNION SELECT id, cosine FROM scored WHERE {matching} AND id = ANY(:ids)"),
        {"q": "[" + ",".join(repr(v) for v in q) + "]", "u": user_id, "m": model, "d": len(q), "n": limit,
         "ids": [int(i) for i in also]})
    return {int(i): float(c) for i, c in rows.all()}


# --- blending ------------------------------------------------------------------------------------------------------

async def search(session: AsyncSession, user_id: int, question: str, *, query_vector: Sequence[float] | None,
                 model: str | None, limit: int, sources: Sequence[str] | None = None,
                 use_pgvector: bool = PGVECTOR_BY_DEFAULT) -> list[Hit]:
    """The user's ``limit`` texts best answering the question: full-text scores scaled to the best one, plus
    VECTOR_WEIGHT × the cosine (texts not embedded yet have text scores only). Ties: the newer day first."""
    await session.flush()  # texts this unit of work indexed (a catch-up): the SQL below does not autoflush
    by_text = await fulltext(session, user_id, terms(question))
    by_vector = (await nearest(session, user_id, model, query_vector, use_pgvector=use_pgvector, also=list(by_text))
                 if query_vector is not None and model else {})
    best = max(by_text.values(), default=0.0)
    scores: dict[int, float] = {}
    for doc_id in by_text.keys() | by_vector.keys():
        text_part = by_text.get(doc_id, 0.0) / best if best > 0 else 0.0
        scores[doc_id] = text_part + VECTOR_WEIGHT * max(0.0, by_vector.get(doc_id, 0.0))
    if not scores:
        return []
    query = select(SearchDoc).where(SearchDoc.user_id == user_id, SearchDoc.id.in_(list(scores)))
    if sources:
        query = query.where(SearchDoc.source.in_(list(sources)))
    rows = list(await session.scalars(query))
    rows.sort(key=lambda r: (-scores[r.id], -(r.day or dt.date.min).toordinal(), -r.id))
    return [Hit(source=r.source, source_id=r.source_id, number=r.number, title=r.title, body=r.body, day=r.day,
                score=round(scores[r.id], 4), text_score=round(by_text.get(r.id, 0.0), 4),
                cosine=round(by_vector.get(r.id, 0.0), 4)) for r in rows[:limit]]


async def docs(session: AsyncSession, user_id: int, source: str, source_ids: Sequence[int]) -> list[Hit]:
    """The user's indexed texts of these ids (for a figure's entries), in the order given."""
    if not source_ids:
        return []
    rows = {r.source_id: r for r in await session.scalars(select(SearchDoc).where(
        SearchDoc.user_id == user_id, SearchDoc.source == source, SearchDoc.source_id.in_(list(source_ids))))}
    return [Hit(source=r.source, source_id=r.source_id, number=r.number, title=r.title, body=r.body, day=r.day,
                score=1.0) for i in source_ids if (r := rows.get(i)) is not None]


async def latest(session: AsyncSession, user_id: int, limit: int) -> list[Hit]:
    """The user's newest texts (for a question sharing nothing with any of them: "what did I write last?")."""
    rows = await session.scalars(select(SearchDoc).where(SearchDoc.user_id == user_id)
                                 .order_by(SearchDoc.day.desc(), SearchDoc.id.desc()).limit(limit))
    return [Hit(source=r.source, source_id=r.source_id, number=r.number, title=r.title, body=r.body, day=r.day,
                score=0.0) for r in rows]
