"""Which blocks of a chat's documents answer a question: full text (BM25 over word stems), the blocks' hashed
embeddings (the local provider's bag of words, cosine) and, for a file the user's cloud provider embedded at ingest,
those embeddings (cosine with the question's, by the same model), blended. A file's index is built once per process
and kept (blocks never change after a file is read)."""

from __future__ import annotations

import array
import math
import operator
import re
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from core.ai.local_provider import hashed_vector
from core.ai.local_rules import STOPWORDS
from core.documents.repository import BlockRow

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
K1, B = 1.2, 0.75
EMBEDDING_WEIGHT = 0.35
SEMANTIC_WEIGHT = 1.0  # the provider's embeddings weigh as much as the full text
CACHED_FILES = 32


def stems(text: str) -> list[str]:
    """Lower-case word stems: numbers whole, words cut to their first five letters (enough for Russian forms)."""
    out = []
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS:
            continue
        out.append(word if word.isdigit() else word[:5])
    return out


@dataclass(frozen=True)
class Candidate:
    block_id: int
    file_id: int
    file_name: str
    page: int
    number: int
    kind: str
    text: str
    box: tuple[float, float, float, float]
    score: float


class FileIndex:
    """One file's blocks ready to be scored: term frequencies, lengths, document frequencies, vectors."""

    def __init__(self, file_id: int, file_name: str, rows: Sequence[BlockRow], embedding_model: str | None = None
                 ) -> None:
        self.file_id = file_id
        self.file_name = file_name
        self.rows = list(rows)
        self.terms = [Counter(stems(row[5])) for row in self.rows]
        self.lengths = [sum(t.values()) for t in self.terms]
        self.df: Counter[str] = Counter()
        for terms in self.terms:
            self.df.update(terms.keys())
        self.vectors = [array.array("f", row[10]) for row in self.rows]
        self.embedding_model = embedding_model  # which model made ``semantic`` ("openai:text-embedding-3-small")
        self.semantic = [unit(array.array("f", row[11])) if row[11] else None for row in self.rows]


def unit(vector: Sequence[float]) -> list[float]:
    """The vector scaled to length 1 (cosine is then a dot product)."""
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


@dataclass(frozen=True)
class Query:
    """The question's embedding by the user's provider and its model's name (files embedded by it are compared)."""

    model: str
    vector: list[float]


class IndexCache:
    """Per process, at most CACHED_FILES files (least recently used out first)."""

    def __init__(self) -> None:
        self._files: OrderedDict[int, FileIndex] = OrderedDict()

    def get(self, file_id: int) -> FileIndex | None:
        index = self._files.get(file_id)
        if index is not None:
            self._files.move_to_end(file_id)
        return index

    def put(self, index: FileIndex) -> None:
        self._files[index.file_id] = index
        self._files.move_to_end(index.file_id)
        while len(self._files) > CACHED_FILES:
            self._files.popitem(last=False)


def search(indexes: Sequence[FileIndex], question: str, top_k: int, semantic: Query | None = None
           ) -> list[Candidate]:
    """The ``top_k`` best blocks over all the files, best first (ties: earlier pages first). With ``semantic``, the
    blocks its model embedded also score by their closeness to the question, scaled between the closest and the
    farthest block (cosines of unrelated texts are not zero)."""
    wanted = Counter(stems(question))
    total_blocks = sum(len(ix.rows) for ix in indexes) or 1
    df: Counter[str] = Counter()
    for ix in indexes:
        for term in wanted:
            df[term] += ix.df.get(term, 0)
    average = (sum(sum(ix.lengths) for ix in indexes) / total_blocks) or 1.0
    idf = {term: math.log(1 + (total_blocks - df[term] + 0.5) / (df[term] + 0.5)) for term in wanted}
    query_vector = hashed_vector(question)
    nonzero = [(i, v) for i, v in enumerate(query_vector) if v]
    scored: list[tuple[float, float, float | None, FileIndex, int]] = []  # text, cosine, provider cosine, file, row
    query = unit(semantic.vector) if semantic is not None else None
    for ix in indexes:
        for position, terms in enumerate(ix.terms):
            text_score = 0.0
            for term in wanted:
                tf = terms.get(term, 0)
                if tf:
                    norm = K1 * (1 - B + B * ix.lengths[position] / average)
                    text_score += idf[term] * tf * (K1 + 1) / (tf + norm)
            vector = ix.vectors[position]
            cosine = sum(v * vector[i] for i, v in nonzero) if len(vector) == len(query_vector) else 0.0
            scored.append((text_score, cosine, _semantic(ix, position, semantic, query), ix, position))
    best_text = max((s[0] for s in scored), default=0.0)
    closeness = [s[2] for s in scored if s[2] is not None]
    low, high = (min(closeness), max(closeness)) if closeness else (0.0, 0.0)
    results: list[tuple[float, FileIndex, int]] = []
    for text_score, cosine, close, ix, position in scored:
        score = (text_score / best_text if best_text else 0.0) + EMBEDDING_WEIGHT * max(0.0, cosine)
        if close is not None and high > low:
            score += SEMANTIC_WEIGHT * (close - low) / (high - low)
        if score > 0:
            results.append((score, ix, position))
    results.sort(key=lambda r: (-r[0], r[1].rows[r[2]][2], r[1].rows[r[2]][3]))
    return [_candidate(ix, position, score) for score, ix, position in results[:top_k]]


def _semantic(ix: FileIndex, position: int, semantic: Query | None, query: list[float] | None) -> float | None:
    if semantic is None or query is None or ix.embedding_model != semantic.model:
        return None
    vector = ix.semantic[position]
    if vector is None or len(vector) != len(query):
        return None
    return sum(map(operator.mul, vector, query))


def opening(indexes: Sequence[FileIndex], top_k: int) -> list[Candidate]:
    """The first blocks of each file (for a question that shares no word with any block)."""
    per_file = max(1, top_k // max(1, len(indexes)))
    return [_candidate(ix, position, 0.0) for ix in indexes for position in range(min(per_file, len(ix.rows)))]


def _candidate(ix: FileIndex, position: int, score: float) -> Candidate:
    row = ix.rows[position]
    return Candidate(block_id=row[0], file_id=row[1], file_name=ix.file_name, page=row[2], number=row[3],
                     kind=row[4], text=row[5], box=(row[6], row[7], row[8], row[9]), score=round(score, 4))
