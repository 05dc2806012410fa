"""The journal Mini App in a real browser over the real web app: a recipe form with every field type filled and saved
(through Telegram's Main button), the list filtered, the dashboard's charts drawn, the export downloaded.

With SECRETARY_DOC_SHOTS=1 it also refreshes the user guide's pictures docs/img/journal-{form,list,dashboard}.png."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from miniapp_harness import MiniApp
from playwright.async_api import Page, expect

from core.db.base import utcnow
from core.journal.proposals import open_proposal
from core.runtime import Runtime
from core.users.service import ensure_user

pytestmark = pytest.mark.browser

ALICE = {"id": 7301, "first_name": "Alice", "language_code": "en"}
DOC_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"
EVERY_TYPE = {  # one field of each of the registry's types: text, textarea, number, money, select, tags, people, date,
    # time, geo, json, url (and the place the dictionary suggests)
    "action": "bought", "object": "drink", "label": "Coffee, in detail", "icon": "☕", "category": "food",
    "subcategory": "cafe",
    "fields": ["title", "amount", "currency", "place", "people", "tags", "date", "time", "rating", "mood", "note",
               "geo", "data", "url"],
    "required": ["title"],
}
TODAY = utcnow().date()


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


HISTORY = [  # what the list and the dashboard show besides the new entry, over the last three months
    {"action": "spent", "object": "food", "title": "Groceries", "amount": 2350, "currency": "RUB", "category": "food",
     "place": "Azbuka Vkusa", "people": ["Masha"], "tags": ["home"], "date": ago(75)},
    {"action": "bought", "object": "drink", "title": "Flat white", "amount": 320, "currency": "RUB",
     "category": "food", "place": "Shokoladnitsa", "people": ["Masha", "Petya"], "date": ago(45)},
    {"action": "spent", "object": "transport", "title": "Taxi to the airport", "amount": 1800, "currency": "RUB",
     "category": "travel", "place": "Sheremetyevo", "date": ago(30)},
    {"action": "spent", "object": "transport", "title": "Metro card", "amount": 700, "currency": "RUB",
     "category": "travel", "date": ago(12)},
    {"action": "met", "object": "person", "title": "Lunch with Petya", "people": ["Petya"], "place": "Shokoladnitsa",
     "category": "social", "date": ago(5)},
]

LIVE = {"action": "met", "object": "person", "title": "Call with Grandma", "people": ["Grandma"],
        "category": "social", "date": ago(0)}


def shots_on() -> bool:
    return os.environ.get("SECRETARY_DOC_SHOTS", "") == "1"


async def shot(page: Page, name: str) -> None:
    if shots_on():
        await page.screenshot(path=DOC_IMAGES / f"journal-{name}.png", full_page=True)


async def telegram_calls(page: Page, name: str) -> list[Any]:
    calls: list[dict[str, Any]] = await page.evaluate("window.__telegram.calls")
    return [c["args"] for c in calls if c["name"] == name]


class TestJournalMiniApp:
    async def test_form_list_dashboard_and_export(self, miniapp: MiniApp, runtime: Runtime,
                                                  tmp_path: Path) -> None:
        async with runtime.unit_of_work() as s:
            await ensure_user(s, ALICE["id"], first_name="Alice", language_code="en")
        async with miniapp.api(ALICE) as api:
            recipe = (await api.post("/recipes", json=EVERY_TYPE)).json()
            for body in HISTORY:
                assert (await api.post("/entries", json=body)).status_code == 201

            # The recipe's form: an input of every type, filled the way a person would.
            page = await miniapp.open(ALICE, path=f"/journal/new/{recipe['id']}")
            form = page.get_by_test_id("new-entry")
            for kind in ("text", "textarea", "number", "money", "select", "tags", "people", "date", "time", "geo",
                         "json", "url"):
                await expect(form.locator(f"[data-type='{kind}']").first).to_be_visible()
            typed = {"title": "Latte with Masha", "amount": "450.50", "place": "Shokoladnitsa",
                     "geo-lat": "55.7558", "geo-lon": "37.6173", "people": "Masha", "tags": "coffee, morning",
                     "date": ago(1), "time": "09:30", "rating": "5", "note": "Oat milk, window seat.",
                     "data": '{"size": "L", "shots": 2}', "url": "https://example.com/menu"}
            for name, value in typed.items():
                await page.get_by_test_id(f"input-{name}").fill(value)
                if name in ("people", "tags"):
                    await page.get_by_test_id(f"input-{name}").press("Enter")  # the chip is added
            await page.get_by_test_id("input-currency").select_option("EUR")
            await page.get_by_test_id("input-mood").select_option("great")
            await expect(page.get_by_test_id("chips-tags")).to_contain_text("#coffee")
            await shot(page, "form")
            assert (await page.evaluate("window.__telegram.mainButton()"))["text"] == "Save"
            assert await page.evaluate("window.__telegram.pressMain()")
            await page.wait_for_url("**/app/#/journal/entries/*")
            await expect(page.get_by_test_id("status-text")).to_have_text("Saved.")
            await expect(page.get_by_test_id("value-title")).to_contain_text("Latte with Masha")
            assert ["success"] in await telegram_calls(page, "HapticFeedback.notificationOccurred")

            entry_id = int(page.url.rsplit("/", 1)[1].split("?")[0])
            saved = (await api.get(f"/entries/{entry_id}")).json()
            assert {k: saved[k] for k in ("title", "amount", "currency", "place", "people", "tags", "date", "time",
                                           "note", "geo", "recipeId", "category")} == {
                "title": "Latte with Masha", "amount": 450.5, "currency": "EUR", "place": "Shokoladnitsa",
                "people": ["Masha"], "tags": ["coffee", "morning"], "date": ago(1), "time": "09:30",
                "note": "Oat milk, window seat.", "geo": {"lat": 55.7558, "lon": 37.6173}, "recipeId": recipe["id"],
                "category": "food"}
            assert saved["extras"] == {"rating": 5, "mood": "great", "data": {"size": "L", "shots": 2},
                                       "url": "https://example.com/menu"}

            # The list, filtered by category and person.
            await page.goto(f"{miniapp.base_url}/app/#/journal/entries")
            await expect(page.get_by_test_id(f"entry-{entry_id}")).to_be_visible()
            await expect(page.locator("[data-testid^='entry-']")).to_have_count(6)
            # An entry saved elsewhere (the chat, another device) shows up on top of the open list by itself.
            live = (await api.post("/entries", json=LIVE)).json()
            await expect(page.locator("[data-testid^='entry-']").first).to_have_attribute(
                "data-testid", f"entry-{live['id']}", timeout=15_000)
            await expect(page.locator("[data-testid^='entry-']")).to_have_count(7)
            await page.get_by_test_id("filters-toggle").click()
            await page.get_by_test_id("filter-category").select_option("food")
            await page.get_by_test_id("filter-people").fill("Masha")
            await expect(page.locator("[data-testid^='entry-']")).to_have_count(3)
            for title in ("Latte with Masha", "Groceries", "Flat white"):
                await expect(page.get_by_test_id("entries")).to_contain_text(title)
            await expect(page.get_by_test_id("entries")).not_to_contain_text("Taxi")
            await shot(page, "list")

            # The dashboard: bars drawn in every chart that has data.
            await page.goto(f"{miniapp.base_url}/app/#/journal/dashboard")
            for chart in ("chart-category", "chart-month", "chart-activity", "chart-people", "chart-places"):
                bars = page.get_by_test_id(chart).locator("svg .recharts-bar-rectangle path")
                await expect(bars.first).to_be_visible()
                assert await bars.count() >= 2, chart
            await shot(page, "dashboard")

            # The export: a normal download here (this client has no downloadFile).
            async with page.expect_download() as waiting:
                await page.get_by_test_id("export-json").click()
            download = await waiting.value
            target = tmp_path / download.suggested_filename
            await download.save_as(target)
            assert download.suggested_filename.startswith("journal-") and target.suffix == ".json"
            exported = json.loads(target.read_text(encoding="utf-8"))
            assert sorted(e["title"] for e in exported["entries"]) == sorted(
                [b["title"] for b in HISTORY] + ["Latte with Masha", LIVE["title"]])
            await expect(page.get_by_test_id("status-text")).to_have_text("The download has started.")
            await miniapp.close(page, "journal-dashboard")

    async def test_the_chats_edit_button_opens_the_proposal_prefilled_and_saves_it(
            self, miniapp: MiniApp, runtime: Runtime) -> None:
        drafts = [{"action": "bought", "object": "food", "title": "Хлеб", "amount": 60, "currency": "RUB",
                   "tags": ["продукты"], "date": ago(0)},
                  {"action": "bought", "object": "food", "title": "Молоко", "amount": 90, "currency": "RUB",
                   "date": ago(0)}]
        async with runtime.unit_of_work() as s:
            user = await ensure_user(s, ALICE["id"], first_name="Alice", language_code="ru")
            proposal = await open_proposal(s, user, chat_id=ALICE["id"], source="text", drafts=drafts,
                                           text="купил хлеб за 60 и молоко за 90")
        page = await miniapp.open({**ALICE, "language_code": "ru"}, path=f"/journal/proposals/{proposal.id}")
        await expect(page.get_by_test_id("draft-0").get_by_test_id("input-title")).to_have_value("Хлеб")
        await expect(page.get_by_test_id("draft-0").get_by_test_id("chips-tags")).to_contain_text("#продукты")
        await page.get_by_test_id("draft-1").get_by_test_id("input-amount").fill("95")
        assert (await page.evaluate("window.__telegram.mainButton()"))["text"] == "Сохранить все (2)"
        assert await page.evaluate("window.__telegram.pressMain()")
        await expect(page.get_by_test_id("proposal-saved")).to_contain_text("Сохранено 2 записи")
        async with miniapp.api(ALICE) as api:
            saved = (await api.get(f"/journal/proposals/{proposal.id}")).json()
            assert saved["status"] == "saved" and len(saved["entryIds"]) == 2
            entries = [(await api.get(f"/entries/{i}")).json() for i in saved["entryIds"]]
        assert [(e["title"], e["amount"], e["tags"]) for e in entries] == [("Хлеб", 60, ["продукты"]),
                                                                           ("Молоко", 95, [])]
        await miniapp.close(page, "journal-proposal")
