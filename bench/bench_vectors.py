"""The vector half of the journal's search, in the database against in Python, over N texts of one user:

* ``nearest`` (the 50 nearest texts) and a whole ``index.search`` (full text + vectors), each timed three ways: with
  pgvector's ``<=>`` over the native column (migration 0017), in Python with the user's vectors cached in the process,
  and in Python with the cache empty (a process's first question, and the first after any change to the user's texts);
* over the offline provider's hashed vectors of random six-word texts (256 dimensions, sparse), or with ``--dims D``
  over dense random vectors, as a cloud provider's are.

    .venv/bin/python bench/bench_vectors.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
        [--texts 10000] [--dims 1536] [--runs 20]

PostgreSQL with pgvector only (elsewhere there is nothing to compare). Target: the default (``<=>`` where the column
exists) is not slower than the cached Python cosine (p50).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

from bench.common import fresh_database, quantiles_ms, script_main, verdict  # noqa: E402
from core.ai import index  # noqa: E402
from core.ai.jobs import model_name  # noqa: E402
from core.ai.local_provider import LocalProvider  # noqa: E402
from core.ai.models import SearchDoc  # noqa: E402
from core.db.engine import make_engine, make_session_factory  # noqa: E402
from core.users.models import User  # noqa: E402

WORDS = ["drill", "charger", "headphones", "backpack", "lamp", "kettle", "jacket", "book", "tent", "bicycle", "coffee",
         "tea", "museum", "park", "film", "Bosch", "Sony", "Anna", "Петя", "Маша", "кофе", "дрель", "зарядку"]
QUESTION = "Sony charger Anna"
USER_ID = 1


async def timed(runs: int, call: Callable[[], Awaitable[Any]], before: Callable[[], None] | None = None
                ) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return quantiles_ms(samples)


async def run(database_url: str, args: argparse.Namespace) -> tuple[bool, dict[str, Any]]:
    if not database_url.startswith("postgresql"):
        print("PostgreSQL with pgvector only: pass --database-url")
        return False, {}
    rng = random.Random(1)
    provider = LocalProvider()
    texts = [" ".join(rng.choice(WORDS) for _ in range(6)) for _ in range(args.texts)]
    if args.dims:
        model, query = "dense", [rng.gauss(0, 1) for _ in range(args.dims)]
        vectors = [[rng.gauss(0, 1) for _ in range(args.dims)] for _ in texts]
    else:
        model, query = model_name(provider), (await provider.embed([QUESTION]))[0].vector
        vectors = [e.vector for e in await provider.embed(texts)]
    print(f"\nVectors: {len(texts)} texts of one user, {len(query)} dimensions, PostgreSQL")
    async with fresh_database(database_url) as url:
        engine = make_engine(url)
        try:
            session_factory = make_session_factory(engine)
            async with session_factory() as s:
                s.add(User(id=USER_ID, first_name="U", language="en", timezone="UTC"))
                await s.flush()
                rows = [{"user_id": USER_ID, "source": "entry", "source_id": n, "number": n, "title": t, "body": t,
                         "content": t, "vector": index.normalized(v), "vector_model": model}
                        for n, (t, v) in enumerate(zip(texts, vectors, strict=True))]
                for start in range(0, len(rows), 1000):
                    await s.execute(insert(SearchDoc), rows[start:start + 1000])
                await s.commit()
            async with engine.connect() as conn:
                await conn.execute(text("COMMIT"))  # VACUUM runs outside a transaction
                await conn.execute(text("VACUUM ANALYZE search_docs"))
            async with session_factory() as s:
                if not await index.has_pgvector(s):
                    print("  no native pgvector column on this server (migration 0017 added none)")
                    return False, {}

                def nearest(native: bool) -> Callable[[], Awaitable[Any]]:
                    return lambda: index.nearest(s, USER_ID, model, query, use_pgvector=native)

                def search(native: bool) -> Callable[[], Awaitable[Any]]:
                    return lambda: index.search(s, USER_ID, QUESTION, query_vector=query, model=model, limit=8,
                                                use_pgvector=native)

                figures: dict[str, dict[str, float]] = {}
                for name, call in (("nearest", nearest), ("search", search)):
                    await call(True)(), await call(False)()  # plans and the cache warm
                    figures[f"{name}, pgvector"] = await timed(args.runs, call(True))
                    figures[f"{name}, Python cached"] = await timed(args.runs, call(False))
                    figures[f"{name}, Python uncached"] = await timed(args.runs, call(False), index.CACHE.clear)
        finally:
            await engine.dispose()
    for name, f in figures.items():
        print(f"  {name}: p50 {f['p50']:.1f} ms, p95 {f['p95']:.1f} ms")
    ok = figures["nearest, pgvector"]["p50"] <= figures["nearest, Python cached"]["p50"]
    print(f"  pgvector by default (not slower than the cached Python cosine): {verdict(ok)}")
    return ok, figures


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--dims", type=int, default=0, help="dense random vectors of this size (0: offline ones)")
    parser.add_argument("--runs", type=int, default=20)


if __name__ == "__main__":
    import asyncio

    sys.exit(asyncio.run(script_main(__doc__, add_arguments, run)))
