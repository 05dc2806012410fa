"""Questions over the journal: hybrid retrieval (full text + the offline provider's embeddings) finds the right
entries in Russian and English, follows edits and deletes, never crosses users; figures come from SQL; the vector
search without pgvector (cosine in Python) ranks as the database would; entries older than the index are indexed on
the first question."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
from journal_helpers import SignIn, create, embed_all, history
from sqlalchemy import event, text

from core.ai import index
from core.ai.jobs import model_name
from core.ai.local_provider import LocalProvider
from core.journal import search as journal_search
from core.runtime import Runtime


async def ask(api: httpx.AsyncClient, headers: dict[str, str], query: str, path: str = "search") -> dict[str, Any]:
    body = {"query": query} if path == "search" else {"message": query}
    r = await api.post(f"/api/v1/ai/{path}", json=body, headers=headers)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    assert set(out) == {"response", "suggestedFilters", "entryIds"}
    return out


class TestRetrieval:
    async def test_finds_the_entries_a_question_is_about(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                         runtime: Runtime) -> None:
        h = await sign_in(9101, "ru")
        ids = await history(api, h)
        user_id = 9101
        await embed_all(runtime, user_id)
        assert (await ask(api, h, "Кому я одолжил зарядку?"))["entryIds"][0] == ids["charger"]
        assert (await ask(api, h, "when did I have coffee with Anna?"))["entryIds"][0] == ids["coffee"]
        assert (await ask(api, h, "какую книгу я прочитал"))["entryIds"][0] == ids["book"]

    async def test_follows_edits_and_deletes(self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        h = await sign_in(9102, "en")
        ids = await history(api, h)
        r = await api.put(f"/api/v1/entries/{ids['run']}", json={"action": "ran", "object": "workout",
                                                                  "title": "Evening swim in the lake"}, headers=h)
        assert r.status_code == 200, r.text
        assert ids["run"] not in (await ask(api, h, "morning run park"))["entryIds"]
        assert (await ask(api, h, "swim lake"))["entryIds"][0] == ids["run"]
        assert (await api.delete(f"/api/v1/entries/{ids['run']}", headers=h)).status_code in (200, 204)
        assert ids["run"] not in (await ask(api, h, "swim lake"))["entryIds"]

    async def test_full_text_meets_a_name_in_another_case(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                           runtime: Runtime) -> None:
        h = await sign_in(9105, "ru")
        masha = await create(api, h, action="lent", object="thing", title="Одолжил зарядку", people=["Маша"])
        petya = await create(api, h, action="lent", object="thing", title="Одолжил зарядку", people=["Петя"])
        for question, answer in (("Давал ли я зарядку Маше?", masha["id"]), ("зарядку Пете", petya["id"])):
            async with runtime.session_factory() as s:  # full text alone (nothing embedded): the name decides
                hits = await index.search(s, 9105, question, query_vector=None, model=None, limit=5)
            assert [h.source_id for h in hits][:1] == [answer], question

    async def test_one_user_never_sees_another(self, api: httpx.AsyncClient, sign_in: SignIn,
                                               runtime: Runtime) -> None:
        a, b = await sign_in(9103, "en"), await sign_in(9104, "en")
        mine = await history(api, a)
        theirs = await history(api, b)
        await embed_all(runtime, 9103)
        await embed_all(runtime, 9104)
        found = await ask(api, a, "coffee Starbucks Anna charger")
        assert found["entryIds"] and set(found["entryIds"]) <= set(mine.values())
        assert not set(found["entryIds"]) & set(theirs.values())
        chat = await ask(api, b, "how much did I spend on coffee?", "chat")
        assert chat["entryIds"][0] == theirs["coffee"] and "4.5 USD" in chat["response"]
        assert set(chat["entryIds"]) <= set(theirs.values())


def _last_november(today: dt.date) -> int:
    return today.year if today.month >= 11 else today.year - 1


class TestFigures:
    async def test_sums_and_counts_come_from_sql(self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        h = await sign_in(9105, "ru")
        year = _last_november(dt.datetime.now(dt.UTC).date())
        cafe = [await create(api, h, action="bought", object="drink", title=f"Кофе в кафе {n}", amount=str(a),
                             currency="RUB", category="food", subcategory="cafe", date=f"{year}-11-{n:02d}")
                for n, a in ((3, 450), (17, 900.5))]
        await create(api, h, action="bought", object="drink", title="Кофе в кафе", amount="300", currency="RUB",
                     category="food", subcategory="cafe", date=f"{year}-10-20")  # another month
        await create(api, h, action="bought", object="food", title="Продукты", amount="2000", currency="RUB",
                     date=f"{year}-11-05")  # another category
        out = await ask(api, h, "Сколько я потратил на кафе в ноябре?")
        assert "1 350.50 RUB" in out["response"] and "(2 зап." in out["response"]
        assert out["suggestedFilters"] == {"category": "food", "dateFrom": f"{year}-11-01",
                                           "dateTo": f"{year}-11-30"}
        assert out["entryIds"][:2] == [cafe[1]["id"], cafe[0]["id"]]

    async def test_taxis_last_month_in_english(self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        h = await sign_in(9106, "en")
        today = dt.datetime.now(dt.UTC).date()
        last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=10)
        for title, amount, day in (("Taxi to the airport", "25", last_month), ("Taxi home", "12.5", last_month),
                                   ("Taxi to work", "9", today.replace(day=1)), ("Bus ticket", "2", last_month)):
            await create(api, h, action="spent", object="transport", title=title, amount=amount, currency="EUR",
                         date=day.isoformat())
        out = await ask(api, h, "How much did I spend on taxis last month?")
        assert "37.50 EUR" in out["response"] and "2 entries" in out["response"]
        count = await ask(api, h, "how many times did I take a taxi last month?")
        assert "You have 2 such entries" in count["response"]


class TestVectorsWithoutPgvector:
    async def test_cosine_in_python_ranks_and_follows_changes(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                              runtime: Runtime) -> None:
        h = await sign_in(9107, "en")
        ids = await history(api, h)
        await embed_all(runtime, 9107)
        provider = LocalProvider()
        query = (await provider.embed(["coffee Starbucks"]))[0].vector
        async with runtime.unit_of_work() as s:
            near = await index.nearest(s, 9107, model_name(provider), query, use_pgvector=False)
            doc_ids = list(near)
            first = await index.docs(s, 9107, "entry", [ids["coffee"]])
        assert first and near[doc_ids[0]] > 0.3
        await api.put(f"/api/v1/entries/{ids['coffee']}", json={"action": "bought", "object": "drink",
                                                                 "title": "Green tea"}, headers=h)
        async with runtime.unit_of_work() as s:  # the changed text lost its vector until the job runs again
            assert doc_ids[0] not in await index.nearest(s, 9107, model_name(provider), query, use_pgvector=False)


async def _blocked(runtime: Runtime, task: asyncio.Task[Any]) -> None:
    """Until the task waits for another transaction's lock on PostgreSQL (or is done: then it did not need to).
    SQLite's writer waits in its first statement, which a moment lets it reach."""
    if runtime.engine.dialect.name != "postgresql":
        await asyncio.sleep(0.2)
        return
    for _ in range(200):
        if task.done():
            return
        async with runtime.engine.connect() as conn:
            if await conn.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")):
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the second back-fill never waited for the first")


class TestBackfill:
    async def test_entries_older_than_the_index_are_found_after_the_first_question(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        h = await sign_in(9108, "en")
        ids = await history(api, h)
        gone = (await create(api, h, action="ran", object="workout", title="Evening swim in the lake"))["id"]
        assert (await api.delete(f"/api/v1/entries/{gone}", headers=h)).status_code in (200, 204)
        async with runtime.unit_of_work() as s:  # as if written before migration 0014 made the index
            await index.drop(s, "entry", [ids["coffee"], ids["run"]])
            assert await index.search(s, 9108, "coffee Starbucks", query_vector=None, model=None, limit=5) == []
        assert (await ask(api, h, "when did I have coffee at Starbucks?"))["entryIds"][0] == ids["coffee"]
        assert (await ask(api, h, "morning run in the park"))["entryIds"][0] == ids["run"]
        async with runtime.session_factory() as s:
            indexed = {d.source_id for d in await index.docs(s, 9108, "entry", [*ids.values(), gone])}
        assert indexed == set(ids.values())  # a deleted entry stays out

    async def test_two_first_questions_at_once_index_each_entry_once(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        """Both back-fill the same entries: the second waits for the first's rows (PostgreSQL) and refreshes them
        instead of failing on the index's unique (source, source_id); SQLite runs the two one after the other."""
        h = await sign_in(9110, "en")
        ids = await history(api, h)
        async with runtime.unit_of_work() as s:
            await index.drop(s, "entry", list(ids.values()))
        async with runtime.session_factory() as first, runtime.session_factory() as second:
            assert await journal_search.catch_up(first, 9110) == len(ids)  # not committed yet
            racing = asyncio.create_task(journal_search.catch_up(second, 9110))
            await _blocked(runtime, racing)
            await first.commit()
            indexed_again = await racing
            await second.commit()
        if runtime.engine.dialect.name == "postgresql":
            assert indexed_again == len(ids)  # it did not see the first's rows: it raced, and got through
        async with runtime.session_factory() as s:
            found = await index.docs(s, 9110, "entry", list(ids.values()))
        assert sorted(d.source_id for d in found) == sorted(ids.values())

    async def test_a_user_is_checked_once_the_index_holds_all_their_entries(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        h = await sign_in(9109, "en")
        ids = await history(api, h)
        async with runtime.unit_of_work() as s:
            await index.drop(s, "entry", [ids["bread"]])
        statements: list[str] = []

        def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            statements.append(statement)

        event.listen(runtime.engine.sync_engine, "before_cursor_execute", seen)
        try:
            for expected in (1, 0, 0):  # indexed; then found complete; then not checked
                statements.clear()
                async with runtime.unit_of_work() as s:
                    assert await journal_search.catch_up(s, 9109) == expected
            assert statements == []
        finally:
            event.remove(runtime.engine.sync_engine, "before_cursor_execute", seen)
        async with runtime.session_factory() as s:
            assert [d.source_id for d in await index.docs(s, 9109, "entry", [ids["bread"]])] == [ids["bread"]]
