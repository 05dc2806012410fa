"""The journal on a generated history: 10,000 entries of one user among 100 users (in-process, no HTTP):

* the entry list (a page of 20, newest first, a random page of the first 50) p95;
* the dashboard (a year of spending by category and month, activity, top people/places/tags) p95;
* retrieval for /ask without the model call (the question's offline embedding, the figure reader, hybrid search)
  p95;
* recall@5 on generated RU/EN questions whose answer is one known entry (the offline provider's embeddings), and
  the same with full text alone beside it.

    .venv/bin/python bench/bench_journal.py [--entries 10000] [--users 100] [--questions 100] [--quick]
        [--database-url URL]

Targets: list p95 ≤ 30 ms, dashboard p95 ≤ 50 ms, retrieval p95 ≤ 150 ms, recall@5 ≥ 0.8.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.common import engine_label, fresh_database, quantiles_ms, script_main, verdict  # noqa: E402
from core.ai import index  # noqa: E402
from core.ai.jobs import model_name  # noqa: E402
from core.ai.local_provider import LocalProvider, hashed_vector  # noqa: E402
from core.ai.models import SearchDoc  # noqa: E402
from core.ask import service as answers  # noqa: E402
from core.config import Settings  # noqa: E402
from core.db.engine import make_engine, make_session_factory  # noqa: E402
from core.journal import search as journal_search  # noqa: E402
from core.journal import service, stats  # noqa: E402
from core.journal.models import Entry, EntryTerm, TermKind, entry_search_text  # noqa: E402
from core.journal.repository import EntryFilter  # noqa: E402
from core.logging import configure_logging  # noqa: E402
from core.runtime import Runtime  # noqa: E402
from core.users.models import User  # noqa: E402
from secretary.apps import wire  # noqa: E402

TARGET_LIST_P95_MS = 30.0
TARGET_DASHBOARD_P95_MS = 50.0
TARGET_RETRIEVAL_P95_MS = 150.0
TARGET_RECALL = 0.8
USER_ID = 1

# (action, object, category, RU things, EN things)
KINDS = [
    ("bought", "thing", "shopping", ["дрель", "зарядку", "наушники", "рюкзак", "лампу", "чайник", "куртку"],
     ["drill", "charger", "headphones", "backpack", "lamp", "kettle", "jacket"]),
    ("lent", "thing", "loans", ["дрель", "зарядку", "книгу", "палатку", "велосипед", "самокат"],
     ["drill", "charger", "book", "tent", "bicycle", "scooter"]),
    ("bought", "drink", "food", ["кофе", "чай", "какао", "лимонад"], ["coffee", "tea", "cocoa", "lemonade"]),
    ("visited", "place", "travel", ["музей", "парк", "выставку", "театр"], ["museum", "park", "exhibition", "theatre"]),
    ("watched", "film", "culture", ["фильм", "сериал", "мультфильм"], ["film", "series", "cartoon"]),
]
BRANDS = ["Bosch", "Makita", "Xiaomi", "Apple", "Sony", "Lego", "Ikea", "Decathlon", "Nike", "Philips", "Braun",
          "Canon", "Garmin", "Tefal", "Zara", "Uniqlo", "Huawei", "Samsung", "Lenovo", "Asus"]
PEOPLE = [("Петя", "Пете"), ("Маша", "Маше"), ("Оля", "Оле"), ("Дима", "Диме"), ("Anna", "Anna"), ("John", "John"),
          ("Саша", "Саше"), ("Kate", "Kate"), ("Игорь", "Игорю"), ("Mike", "Mike")]
PLACES = ["Шоколадница", "Starbucks", "Ашан", "Леруа", "Costa", "ВкусВилл", "Пятёрочка", "Hamleys", "Globus", "Ozon"]


def entry_text(rng: random.Random, lang: str) -> dict[str, Any]:
    action, obj, category, ru, en = rng.choice(KINDS)
    i = rng.randrange(len(ru if lang == "ru" else en))
    thing = (ru if lang == "ru" else en)[i]
    brand, person, place = rng.choice(BRANDS), rng.choice(PEOPLE), rng.choice(PLACES)
    title = f"{thing} {brand}"
    return {"action": action, "object": obj, "category": category, "title": title.capitalize(), "people": [person[0]],
            "place": place, "amount": rng.randrange(100, 20000) if action == "bought" else None,
            "thing": (thing, i, lang), "brand": brand, "person": person}


def question_for(e: dict[str, Any]) -> str:
    thing, i, lang = e["thing"]
    person = e["person"][1]
    if lang == "ru":
        verb = {"bought": "покупал", "lent": "одалживал", "visited": "ходил в", "watched": "смотрел"}.get(
            e["action"], "делал")
        return f"Когда я {verb} {thing} {e['brand']} с {person}?" if e["action"] != "lent" else \
            f"Кому ({person}) я одалживал {thing} {e['brand']}?"
    verb = {"bought": "buy", "lent": "lend", "visited": "visit", "watched": "watch"}.get(e["action"], "do")
    return f"When did I {verb} the {e['brand']} {thing} with {person}?"


async def fill(runtime: Runtime, entries: int, users: int, rng: random.Random) -> list[tuple[int, str]]:
    """Entries straight into the tables (with their terms and indexed, embedded texts); the questions."""
    start = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=730)
    model = model_name(LocalProvider())
    questions: dict[tuple[str, str, str], tuple[int, str]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    async with runtime.unit_of_work() as s:
        for uid in range(1, users + 1):
            s.add(User(id=uid, first_name=f"U{uid}", language="ru", timezone="UTC"))
        await s.flush()
    per_user = {uid: (entries if uid == USER_ID else max(1, entries // 100)) for uid in range(1, users + 1)}
    for uid, count in per_user.items():
        for chunk in range(0, count, 2000):
            async with runtime.unit_of_work() as s:
                rows: list[tuple[Entry, dict[str, Any]]] = []
                for n in range(chunk, min(count, chunk + 2000)):
                    e = entry_text(rng, rng.choice(("ru", "en")))
                    entry = Entry(user_id=uid, number=n + 1, action=e["action"], object=e["object"],
                                  title=e["title"], note="", category=e["category"], people=e["people"], tags=[],
                                  place=e["place"], currency="RUB" if e["amount"] else None,
                                  amount_minor=e["amount"] * 100 if e["amount"] else None,
                                  happened_on=start + dt.timedelta(days=rng.randrange(730)), status="done",
                                  attachments=[], attachment_count=0, extras={}, version=1, source="bench")
                    entry.search_text = entry_search_text(entry)
                    rows.append((entry, e))
                s.add_all([r[0] for r in rows])
                await s.flush()
                for entry, e in rows:
                    s.add_all([EntryTerm(user_id=uid, entry_id=entry.id, kind=TermKind.PERSON,
                                         key=e["people"][0].casefold(), value=e["people"][0]),
                               EntryTerm(user_id=uid, entry_id=entry.id, kind=TermKind.PLACE,
                                         key=e["place"].casefold(), value=e["place"])])
                    doc = journal_search.doc_of(entry)
                    content = index.content_of(doc.title, doc.body, doc.keywords)
                    s.add(SearchDoc(user_id=uid, source="entry", source_id=entry.id, number=entry.number,
                                    title=doc.title, body=doc.body, content=content, day=doc.day,
                                    vector=index.normalized(hashed_vector(content)), vector_model=model))
                    key = (e["thing"][0], e["brand"], e["person"][0])
                    if uid == USER_ID:
                        seen[key] = seen.get(key, 0) + 1
                        questions.setdefault(key, (entry.id, question_for(e)))
    # a question's known answer is the one entry of its combination (thing, brand, person): unique ones only
    return [q for key, q in questions.items() if seen[key] == 1]


async def timed(samples: int, call: Any) -> list[float]:
    out = []
    for i in range(samples):
        started = time.perf_counter()
        await call(i)
        out.append(time.perf_counter() - started)
    return out


async def run(database_url: str, args: argparse.Namespace) -> tuple[bool, dict[str, Any]]:
    configure_logging("WARNING")
    if args.quick:
        args.entries, args.users, args.questions, args.samples = 2000, 20, 40, 40
    rng = random.Random(7)
    print(f"\nJournal: {args.entries} entries of one user among {args.users} users, {engine_label(database_url)}")
    async with fresh_database(database_url) as url:
        settings = Settings(_env_file=None, environment="test", database_url=url,  # type: ignore[call-arg]
                            sandbox=False, telegram_bot_token="1:BENCH", ai_provider="local",
                            jwt_signing_key="bench-signing-key-0123456789abcdef", master_encryption_key="bench")
        engine = make_engine(url)
        runtime = wire(Runtime(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                               redis=None))
        try:
            filled = time.perf_counter()
            questions = await fill(runtime, args.entries, args.users, rng)
            print(f"  generated in {time.perf_counter() - filled:.1f} s; {len(questions)} candidate questions")
            rng.shuffle(questions)
            questions = questions[: args.questions]
            now = dt.datetime.now(dt.UTC)
            provider = LocalProvider()
            model = model_name(provider)
            async with runtime.read_only() as s:
                user = await s.get(User, USER_ID)
                assert user is not None

                async def listing(i: int) -> None:
                    await service.list_entries(s, user, EntryFilter(), sort="-date", page=1 + i % 50, per_page=20)

                async def dashboard(i: int) -> None:
                    await stats.dashboard(s, user, date_from=None, date_to=None, now=now)

                async def retrieval(i: int) -> None:
                    question = questions[i % len(questions)][1]
                    vector, name = await answers.question_vector(provider, question)
                    await answers.retrieve(s, user, question, now=now, vector=vector, model=name, limit=8)

                await listing(0), await dashboard(0), await retrieval(0)  # warm: caches, plans
                figures = {"list": quantiles_ms(await timed(args.samples, listing)),
                           "dashboard": quantiles_ms(await timed(args.samples, dashboard)),
                           "retrieval": quantiles_ms(await timed(args.samples, retrieval))}
                hybrid = text_only = 0
                for entry_id, question in questions:
                    vector = (await provider.embed([question]))[0].vector
                    both = await index.search(s, USER_ID, question, query_vector=vector, model=model, limit=5)
                    alone = await index.search(s, USER_ID, question, query_vector=None, model=None, limit=5)
                    hybrid += entry_id in [h.source_id for h in both]
                    text_only += entry_id in [h.source_id for h in alone]
        finally:
            await engine.dispose()
    recall, recall_text = hybrid / len(questions), text_only / len(questions)
    ok = True
    for name, target in (("list", TARGET_LIST_P95_MS), ("dashboard", TARGET_DASHBOARD_P95_MS),
                         ("retrieval", TARGET_RETRIEVAL_P95_MS)):
        f = figures[name]
        ok &= f["p95"] <= target
        print(f"  {name}: p50 {f['p50']:.1f} ms, p95 {f['p95']:.1f} ms (target p95 ≤ {target:.0f}) "
              f"{verdict(f['p95'] <= target)}")
    ok &= recall >= TARGET_RECALL
    print(f"  recall@5 over {len(questions)} questions: hybrid {recall:.2f} (target ≥ {TARGET_RECALL}) "
          f"{verdict(recall >= TARGET_RECALL)}; full text alone {recall_text:.2f}")
    return ok, {**figures, "recall": recall, "recall_text": recall_text}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="2,000 entries, 20 users, 40 questions")


if __name__ == "__main__":
    import asyncio

    sys.exit(asyncio.run(script_main(__doc__, add_arguments, run)))
