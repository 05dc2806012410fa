"""The journal API (/api/v1): entries with every field, checked values with their codes in the caller's language,
versions and soft delete, filters, search, stats, the dashboard, replay, dictionaries that follow the entries,
configuration and recipes, export and the all-or-nothing import — and each user seeing only their own."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from journal_helpers import SignIn, create
from sqlalchemy import func, select

from core.db.base import utcnow
from core.journal.models import Entry, EntryTerm
from core.runtime import Runtime

ALICE, BOB = 6101, 6102
FULL: dict[str, Any] = {
    "action": "spent", "object": "food", "title": "Кофе с Машей", "note": "латте и круассан", "amount": "450,50",
    "currency": "rub", "category": "food", "subcategory": "cafe", "people": ["Маша", "маша", "Петя"],
    "place": "Шоколадница", "geo": {"lat": 55.75, "lon": 37.61}, "tags": ["#Кофе", "утро"], "date": "2025-03-14",
    "time": "09:30", "extras": {"rating": 5, "mood": "good", "url": "https://example.com/menu"},
    "recipeId": "food.cafe",
}


async def count_entries(runtime: Runtime) -> int:
    async with runtime.session_factory() as s:
        return int(await s.scalar(select(func.count()).select_from(Entry)) or 0)


class TestCreateAndRead:
    async def test_an_entry_with_every_field_is_saved_as_given_and_read_back(self, api: httpx.AsyncClient,
                                                                             sign_in: SignIn) -> None:
        alice = await sign_in(ALICE)
        entry = await create(api, alice, **FULL)
        assert (entry["number"], entry["amount"], entry["currency"], entry["people"], entry["tags"]) == (
            1, 450.5, "RUB", ["Маша", "Петя"], ["кофе", "утро"])
        assert (entry["place"], entry["geo"], entry["date"], entry["time"], entry["version"]) == (
            "Шоколадница", {"lat": 55.75, "lon": 37.61}, "2025-03-14", "09:30", 1)
        assert entry["extras"] == FULL["extras"] and entry["recipeId"] == "food.cafe" and entry["source"] == "app"
        r = await api.get(f"/api/v1/entries/{entry['id']}", headers=alice)
        assert r.status_code == 200 and r.json() == entry

    async def test_left_out_the_date_is_the_users_today_and_an_amount_takes_the_default_currency(
            self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        ru = await sign_in(ALICE, "ru")
        entry = await create(api, ru, action="bought", object="drink", amount=180)
        assert (entry["date"], entry["currency"], entry["category"]) == (utcnow().date().isoformat(), "RUB", "food")
        await api.put("/api/v1/journal/settings", json={"currency": "eur", "routing": "journal"}, headers=ru)
        assert (await api.get("/api/v1/journal/settings", headers=ru)).json() == {"routing": "journal",
                                                                                  "currency": "EUR"}
        assert (await create(api, ru, amount=2))["currency"] == "EUR"

    async def test_bad_values_are_refused_with_their_code_and_text_in_the_callers_language(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE)
        cases = [
            ({"amount": -5}, "ERR_JOURNAL_BAD_AMOUNT"), ({"amount": "12.345"}, "ERR_JOURNAL_BAD_AMOUNT"),
            ({"amount": 1, "currency": "RUR"}, "ERR_JOURNAL_BAD_CURRENCY"), ({"date": "2025-02-30"},
                                                                              "ERR_JOURNAL_BAD_DATE"),
            ({"date": "14.03.2025"}, "ERR_JOURNAL_BAD_DATE"), ({"time": "9:30pm"}, "ERR_JOURNAL_BAD_TIME"),
            ({"action": "ate", "object": "person"}, "ERR_JOURNAL_BAD_SEMANTIC"),
            ({"category": "nope"}, "ERR_JOURNAL_BAD_CATEGORY"), ({"geo": {"lat": 91, "lon": 0}},
                                                                 "ERR_JOURNAL_BAD_GEO"),
            ({"extras": {"rating": 9}}, "ERR_JOURNAL_BAD_NUMBER"), ({"extras": {"x": 1}}, "ERR_JOURNAL_UNKNOWN_FIELD"),
        ]
        for fields, code in cases:
            r = await api.post("/api/v1/entries", json={"action": "bought", "object": "drink", **fields},
                               headers=alice)
            assert (r.status_code, r.json()["code"]) == (400, code), fields
        r = await api.post("/api/v1/entries", json={"action": "bought", "object": "drink", "amount": -1},
                           headers={**alice, "Accept-Language": "ru"})
        assert r.json()["message"].startswith("Сумма должна быть числом")
        r = await api.post("/api/v1/entries", json={"action": "bought", "object": "drink", "amount": -1},
                           headers=alice)
        assert r.json()["message"].startswith("An amount must be a number")
        assert await count_entries(runtime) == 0


class TestVersionsAndDelete:
    async def test_an_edit_keeps_the_previous_version_and_a_stale_one_is_refused(self, api: httpx.AsyncClient,
                                                                                 sign_in: SignIn) -> None:
        alice = await sign_in(ALICE)
        entry = await create(api, alice, title="latte", amount=3)
        r = await api.put(f"/api/v1/entries/{entry['id']}", json={**FULL, "version": 1}, headers=alice)
        assert r.status_code == 200 and (r.json()["version"], r.json()["title"]) == (2, "Кофе с Машей")
        r = await api.put(f"/api/v1/entries/{entry['id']}", json={**FULL, "title": "x", "version": 1},
                          headers=alice)
        assert (r.status_code, r.json()["code"]) == (409, "ERR_JOURNAL_VERSION_CONFLICT")
        [old] = (await api.get(f"/api/v1/entries/{entry['id']}/versions", headers=alice)).json()
        assert (old["version"], old["change"], old["entry"]["title"], old["entry"]["amount"]) == (
            1, "updated", "latte", 3.0)

    async def test_a_delete_is_soft_and_a_restore_brings_the_entry_back(self, api: httpx.AsyncClient,
                                                                       sign_in: SignIn) -> None:
        alice = await sign_in(ALICE)
        entry = await create(api, alice, tags=["gone"])
        assert (await api.delete(f"/api/v1/entries/{entry['id']}", headers=alice)).status_code == 204
        assert (await api.get("/api/v1/entries", headers=alice)).json()["total"] == 0
        listed = (await api.get("/api/v1/entries", params={"includeDeleted": "true"}, headers=alice)).json()
        assert listed["total"] == 1 and listed["items"][0]["deletedAt"] is not None
        assert (await api.get("/api/v1/dictionaries/tags", headers=alice)).json() == []
        r = await api.put(f"/api/v1/entries/{entry['id']}", json=FULL, headers=alice)
        assert r.status_code == 404
        restored = (await api.post(f"/api/v1/entries/{entry['id']}/restore", headers=alice)).json()
        assert restored["deletedAt"] is None and restored["version"] == 3
        changes = [v["change"] for v in (await api.get(f"/api/v1/entries/{entry['id']}/versions",
                                                       headers=alice)).json()]
        assert changes == ["restored", "deleted"]


class TestListAndSearch:
    async def test_filters_sort_and_pages(self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice = await sign_in(ALICE)
        await create(api, alice, title="coffee", people=["Masha"], tags=["cafe", "morning"], date="2025-01-10",
                     amount=5)
        await create(api, alice, action="met", object="person", title="lunch with Petya", people=["Petya", "Masha"],
                     date="2025-02-01")
        await create(api, alice, action="ran", object="workout", title="park run", tags=["morning"],
                     date="2025-03-01", extras={"distance": 5})

        async def titles(**params: Any) -> list[str]:
            r = await api.get("/api/v1/entries", params=params, headers=alice)
            assert r.status_code == 200, r.text
            return [e["title"] for e in r.json()["items"]]

        assert await titles() == ["park run", "lunch with Petya", "coffee"]
        assert await titles(sort="date") == ["coffee", "lunch with Petya", "park run"]
        assert await titles(people="masha") == ["lunch with Petya", "coffee"]
        assert await titles(people="Masha,Petya") == ["lunch with Petya"]
        assert await titles(tags="morning") == ["park run", "coffee"]
        assert await titles(action="met") == ["lunch with Petya"]
        assert await titles(object="workout", category="health") == ["park run"]
        assert await titles(dateFrom="2025-01-15", dateTo="2025-02-28") == ["lunch with Petya"]
        assert await titles(q="PETYA lunch") == ["lunch with Petya"]
        assert await titles(hasAttachments="true") == []
        page = (await api.get("/api/v1/entries", params={"perPage": 2, "page": 2}, headers=alice)).json()
        assert (page["page"], page["perPage"], page["total"], len(page["items"])) == (2, 2, 3, 1)
        r = await api.get("/api/v1/entries/search", params={"q": "run"}, headers=alice)
        assert [(e["title"], e["date"]) for e in r.json()["items"]] == [("park run", "2025-03-01")]
        assert set(r.json()["items"][0]) == {"id", "number", "title", "date"}
        for bad in ({"dateFrom": "2025-13-01"}, {"dateFrom": "2025-03-01", "dateTo": "2025-01-01"}):
            r = await api.get("/api/v1/entries", params=bad, headers=alice)
            assert r.status_code == 400 and r.json()["code"] in ("ERR_JOURNAL_BAD_DATE", "ERR_JOURNAL_BAD_RANGE")


class TestStats:
    async def test_entry_stats_and_the_dashboard_sum_money_by_currency_category_and_month(
            self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice = await sign_in(ALICE)
        await create(api, alice, amount=100, currency="RUB", date="2025-01-05", people=["Masha"], place="Cafe")
        await create(api, alice, action="spent", object="transport", amount="50.25", currency="RUB",
                     date="2025-02-01", place="Cafe")
        await create(api, alice, amount=3, currency="USD", date="2025-02-02")
        await create(api, alice, action="earned", object="money", amount=1000, currency="RUB", date="2025-02-03")
        s = (await api.get("/api/v1/entries/stats", params={"dateFrom": "2025-02-01"}, headers=alice)).json()
        assert s["count"] == 3 and s["totals"] == [{"currency": "RUB", "amount": 1050.25},
                                                   {"currency": "USD", "amount": 3.0}]
        d = (await api.get("/api/v1/dashboard/stats", params={"dateFrom": "2025-01-01", "dateTo": "2025-12-31"},
                           headers=alice)).json()
        assert d["count"] == 4 and d["spent"] == [{"currency": "RUB", "amount": 150.25},
                                                  {"currency": "USD", "amount": 3.0}]
        assert d["earned"] == [{"currency": "RUB", "amount": 1000.0}]
        assert [(m["month"], m["currency"], m["amount"]) for m in d["byMonth"]] == [
            ("2025-01", "RUB", 100.0), ("2025-02", "RUB", 50.25), ("2025-02", "USD", 3.0)]
        assert {c["category"] for c in d["byCategory"]} == {"food", "finance"}
        assert d["topPlaces"] == [{"name": "Cafe", "count": 2}] and d["topPeople"] == [{"name": "Masha", "count": 1}]
        assert [a["count"] for a in d["activity"]] == [1, 1, 1, 1]


class TestReplay:
    async def test_replay_copies_the_entry_to_today_with_the_changes(self, api: httpx.AsyncClient,
                                                                     sign_in: SignIn) -> None:
        alice = await sign_in(ALICE)
        entry = await create(api, alice, **FULL)
        r = await api.post(f"/api/v1/entries/{entry['id']}/replay", json={"amount": 500}, headers=alice)
        assert r.status_code == 201
        copy = r.json()
        assert (copy["number"], copy["date"], copy["amount"], copy["title"], copy["source"]) == (
            2, utcnow().date().isoformat(), 500.0, "Кофе с Машей", "replay")
        assert copy["people"] == entry["people"] and copy["extras"] == entry["extras"]


class TestDictionaries:
    async def test_tags_people_and_places_follow_edits_and_deletes(self, api: httpx.AsyncClient,
                                                                   sign_in: SignIn) -> None:
        alice = await sign_in(ALICE)
        first = await create(api, alice, people=["Маша"], tags=["кофе"], place="Шоколадница",
                             geo={"lat": 1.5, "lon": 2.5})
        await create(api, alice, people=["Маша", "Петя"], tags=["кофе", "работа"])
        people = (await api.get("/api/v1/dictionaries/people", headers=alice)).json()
        assert [(p["value"], p["count"]) for p in people] == [("Маша", 2), ("Петя", 1)]
        assert [p["value"] for p in (await api.get("/api/v1/dictionaries/people", params={"q": "пе"},
                                                    headers=alice)).json()] == ["Петя"]
        places = (await api.get("/api/v1/dictionaries/places", headers=alice)).json()
        assert places == [{"value": "Шоколадница", "count": 1, "lastUsed": first["date"],
                           "geo": {"lat": 1.5, "lon": 2.5}}]
        await api.put(f"/api/v1/entries/{first['id']}", json={"action": "bought", "object": "drink",
                                                               "tags": ["чай"]}, headers=alice)
        tags = (await api.get("/api/v1/dictionaries/tags", headers=alice)).json()
        assert sorted((t["value"], t["count"]) for t in tags) == [("кофе", 1), ("работа", 1), ("чай", 1)]
        assert (await api.get("/api/v1/dictionaries/places", headers=alice)).json() == []
        currencies = (await api.get("/api/v1/dictionaries/currencies", headers=alice)).json()
        assert currencies["default"] == "USD" and "RUB" in currencies["available"]


class TestConfigAndRecipes:
    async def test_the_catalog_fields_and_categories_in_the_users_language(self, api: httpx.AsyncClient,
                                                                          sign_in: SignIn) -> None:
        ru = await sign_in(ALICE, "ru")
        fields = (await api.get("/api/v1/config/fields", headers=ru)).json()
        assert {f["type"] for f in fields} >= {"text", "textarea", "number", "money", "select", "tags", "people",
                                               "date", "time", "geo", "json", "url"}
        recipes = (await api.get("/api/v1/config/recipes", headers=ru)).json()
        assert len(recipes) >= 30 and all(r["enabled"] for r in recipes)
        assert next(r for r in recipes if r["id"] == "food.coffee")["label"] == "Кофе"
        categories = (await api.get("/api/v1/config/categories", headers=ru)).json()
        assert categories[0]["label"] == "Еда и напитки" and categories[0]["subcategories"]

    async def test_own_recipes_with_switches_and_order(self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice = await sign_in(ALICE)
        body = {"action": "drank", "object": "drink", "label": "Tea", "category": "food",
                "fields": ["title", "amount", "currency", "mood"], "required": ["title"]}
        r = await api.post("/api/v1/recipes", json=body, headers=alice)
        assert r.status_code == 201 and r.json()["id"].startswith("u")
        own_id = r.json()["id"]
        bad = await api.post("/api/v1/recipes", json={**body, "fields": ["title", "nope"]}, headers=alice)
        assert bad.json()["code"] == "ERR_JOURNAL_UNKNOWN_FIELD"
        r = await api.put("/api/v1/recipes/settings", json={"enabled": {"food.coffee": False},
                                                            "order": [own_id, "health.run"]}, headers=alice)
        assert r.status_code == 200 and r.json()["order"] == [own_id, "health.run"]
        recipes = (await api.get("/api/v1/config/recipes", headers=alice)).json()
        assert [r["id"] for r in recipes[:2]] == [own_id, "health.run"]
        assert next(r for r in recipes if r["id"] == "food.coffee")["enabled"] is False
        r = await api.put("/api/v1/recipes/settings", json={"enabled": {"u999": True}}, headers=alice)
        assert r.status_code == 404
        number = int(own_id[1:])
        r = await api.put(f"/api/v1/recipes/{number}", json={**body, "label": "Green tea"}, headers=alice)
        assert r.json()["label"] == "Green tea"
        assert (await api.delete(f"/api/v1/recipes/{number}", headers=alice)).status_code == 204
        assert (await api.get("/api/v1/recipes", headers=alice)).json() == []
        assert (await api.get("/api/v1/recipes/settings", headers=alice)).json()["order"] == ["health.run"]


class TestExportImport:
    async def test_an_export_imports_back_and_csv_has_every_entry(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                                  runtime: Runtime) -> None:
        alice, bob = await sign_in(ALICE), await sign_in(BOB)
        await create(api, alice, **FULL)
        await create(api, alice, action="ran", object="workout", title="run", extras={"distance": 5.5})
        exported = await api.get("/api/v1/entries/export", headers=alice)
        assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
        document = exported.json()
        assert document["version"] == 1 and len(document["entries"]) == 2
        r = await api.post("/api/v1/entries/import", json=document, headers=bob)
        assert r.status_code == 200 and r.json() == {"imported": 2}
        bobs = (await api.get("/api/v1/entries", params={"sort": "created"}, headers=bob)).json()["items"]
        assert [(e["title"], e["amount"], e["people"], e["extras"], e["source"]) for e in bobs] == [
            ("Кофе с Машей", 450.5, ["Маша", "Петя"], FULL["extras"], "import"), ("run", None, [], {"distance": 5.5},
                                                                                "import")]
        rows = list(csv.DictReader(io.StringIO((await api.get("/api/v1/entries/export", params={"format": "csv"},
                                                               headers=alice)).text.lstrip("\ufeff"))))
        assert [(row["title"], row["amount"], row["people"]) for row in rows] == [
            ("Кофе с Машей", "450.50", "Маша; Петя"), ("run", "", "")]

    async def test_an_import_with_one_bad_entry_saves_nothing(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                              runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "ru")
        good = {"action": "bought", "object": "drink", "title": "ok"}
        r = await api.post("/api/v1/entries/import", json={"version": 1, "entries": [
            good, good, {**good, "amount": "много"}]}, headers=alice)
        assert (r.status_code, r.json()["code"]) == (400, "ERR_JOURNAL_IMPORT_INVALID")
        assert "№3" in r.json()["message"] and "ничего не сохранено" in r.json()["message"]
        assert await count_entries(runtime) == 0
        async with runtime.session_factory() as s:
            assert await s.scalar(select(func.count()).select_from(EntryTerm)) == 0


class TestIsolation:
    async def test_another_users_entry_is_not_found_everywhere_and_stays_as_it_was(
            self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice, bob = await sign_in(ALICE), await sign_in(BOB)
        entry = await create(api, alice, **FULL)
        path = f"/api/v1/entries/{entry['id']}"
        for method, url, body in [("GET", path, None), ("PUT", path, FULL), ("DELETE", path, None),
                                  ("POST", path + "/replay", {}), ("POST", path + "/restore", None),
                                  ("GET", path + "/versions", None)]:
            r = await api.request(method, url, json=body, headers=bob)
            assert (r.status_code, r.json()["code"]) == (404, "ERR_JOURNAL_ENTRY_NOT_FOUND"), (method, url)
        for url in ("/api/v1/entries", "/api/v1/entries/search?q=кофе", "/api/v1/dictionaries/people",
                    "/api/v1/dictionaries/tags", "/api/v1/dictionaries/places", "/api/v1/entries/stats",
                    "/api/v1/dashboard/stats?dateFrom=2025-01-01", "/api/v1/entries/export", "/api/v1/recipes"):
            body = (await api.get(url, headers=bob)).json()
            assert body in ([], {"items": []}) or body.get("total") == 0 or body.get("count") == 0 \
                or body.get("entries") == [], url
        recipe = await api.post("/api/v1/recipes", json={"action": "drank", "object": "drink", "label": "Tea",
                                                          "category": "food", "fields": ["title"]}, headers=alice)
        number = int(recipe.json()["id"][1:])
        r = await api.delete(f"/api/v1/recipes/{number}", headers=bob)
        assert r.status_code == 404
        assert (await api.get(path, headers=alice)).json() == entry

    async def test_no_credentials_no_journal(self, api: httpx.AsyncClient) -> None:
        for url in ("/api/v1/entries", "/api/v1/config/recipes", "/api/v1/dashboard/stats"):
            assert (await api.get(url)).status_code == 401
