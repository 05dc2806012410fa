"""The Minis Mini App in a real browser, as a Telegram user would use it: create, move, the empty source,
grouped history, RU/EN, export and import, and one user never seeing another's collection."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from miniapp_harness import MiniApp
from playwright.async_api import Page, expect

pytestmark = pytest.mark.browser

ALICE = {"id": 7001, "first_name": "Alice", "username": "alice", "language_code": "en"}
BORIS = {"id": 7002, "first_name": "Борис", "language_code": "ru"}
CAROL = {"id": 7003, "first_name": "Carol", "language_code": "en"}
STAGES = ("IN_BOX", "BUILDING", "PRIMING", "PAINTING", "DONE")


def counts(**given: int) -> dict[str, int]:
    return {stage: given.get(stage, 0) for stage in STAGES}


async def seed(api: httpx.AsyncClient, name: str, quantity: int, *moves: tuple[str, str, int]) -> int:
    """A type made through the API (another device of the same user), with some moves."""
    created = await api.post("/types", json={"name": name, "quantity": quantity})
    assert created.status_code == 201, created.text
    type_id: int = created.json()["id"]
    for from_stage, to_stage, qty in moves:
        moved = await api.post(f"/types/{type_id}/move", json={"from_stage": from_stage, "to_stage": to_stage,
                                                                 "qty": qty})
        assert moved.status_code == 200, moved.text
    return type_id


async def stage_counts(api: httpx.AsyncClient) -> dict[str, dict[str, int]]:
    response = await api.get("/types")
    assert response.status_code == 200, response.text
    return {t["name"]: t["stage_counts"] for t in response.json()}


async def expect_badges(page: Page, name: str, **given: int) -> None:
    row = page.get_by_test_id(f"type-row-{name}")
    for stage, count in counts(**given).items():  # a badge reads "Box 10"
        await expect(row.get_by_test_id(f"badge-{stage}")).to_have_text(re.compile(rf"\S\s+{count}$"))


async def expect_stage_counts(page: Page, **given: int) -> None:
    for stage, count in counts(**given).items():
        await expect(page.get_by_test_id(f"stage-count-{stage}")).to_have_text(str(count))


async def telegram(page: Page, expression: str) -> Any:
    """Evaluate against the recording `window.__telegram` stub."""
    return await page.evaluate(f"window.__telegram.{expression}")


class TestCollectionLifecycle:
    async def test_create_move_with_the_picker_until_empty_and_read_the_grouped_history(
        self, miniapp: MiniApp
    ) -> None:
        page = await miniapp.open(ALICE)
        calls = [c["name"] for c in await telegram(page, "calls")]
        assert "ready" in calls and "expand" in calls
        await expect(page.get_by_test_id("empty-state")).to_have_text(
            "No miniatures yet. Add your first type below.")

        await page.get_by_test_id("create-name").fill("Space Marines")
        await page.get_by_test_id("create-qty").fill("10")
        await page.get_by_test_id("create-submit").click()
        await expect(page.get_by_test_id("status-text")).to_have_text("Type “Space Marines” added.")
        await expect(page.get_by_test_id("empty-state")).to_have_count(0)
        await expect_badges(page, "Space Marines", IN_BOX=10)

        await page.get_by_test_id("type-row-Space Marines").click()
        await expect(page).to_have_url(re.compile(r"/app/#/minis/types/\d+$"))
        await expect(page.get_by_test_id("type-name")).to_have_text("Space Marines")
        await expect_stage_counts(page, IN_BOX=10)
        # Telegram draws the Back button on Android: it is shown, and there is no in-page copy.
        assert (await telegram(page, "backButton()"))["isVisible"] is True
        await expect(page.get_by_test_id("back-button")).to_have_count(0)

        # The quantity picker: +/− step within 1..available; a typed number beyond it is refused, not clamped.
        await page.get_by_test_id("move-from-IN_BOX").click()
        await page.get_by_test_id("move-to").select_option("PRIMING")
        qty = page.get_by_test_id("move-qty")
        await expect(page.get_by_test_id("move-available")).to_have_text("Available: 10")
        await expect(qty).to_have_value("1")
        await expect(page.get_by_test_id("move-qty-dec")).to_be_disabled()
        for _ in range(4):
            await page.get_by_test_id("move-qty-inc").click()
        await page.get_by_test_id("move-qty-dec").click()
        await expect(qty).to_have_value("4")
        await qty.fill("99")
        await expect(qty).to_have_value("99")
        await expect(page.get_by_test_id("move-too-many")).to_have_text("Only 10 available: you asked to move 99.")
        await expect(page.get_by_test_id("move-submit")).to_be_disabled()
        await qty.fill("4")
        await expect(page.get_by_test_id("move-too-many")).to_have_count(0)
        await page.get_by_test_id("move-submit").click()
        await expect(page.get_by_test_id("status-text")).to_have_text("Moved 4: In box → Priming.")
        await expect_stage_counts(page, IN_BOX=6, PRIMING=4)
        await expect(page.get_by_test_id("move-available")).to_have_text("Available: 6")

        # Telegram's Main button mirrors "Move" and moves the quantity on screen.
        await qty.fill("2")
        assert await telegram(page, "mainButton()") == {"text": "Move", "isVisible": True, "isActive": True}
        assert await telegram(page, "pressMain()") is True
        await expect(page.get_by_test_id("status-text")).to_have_text("Moved 2: In box → Priming.")
        await expect_stage_counts(page, IN_BOX=4, PRIMING=6)

        # Everything that is left, then the empty source: the picker and both Move buttons are off.
        await page.get_by_test_id("move-qty-max").click()
        await expect(qty).to_have_value("4")
        await page.get_by_test_id("move-submit").click()
        await expect_stage_counts(page, PRIMING=10)
        await expect(page.get_by_test_id("move-available")).to_have_text("Available: 0")
        await expect(page.get_by_test_id("move-submit")).to_be_disabled()
        await expect(qty).to_be_disabled()
        await expect(qty).to_have_value("0")
        assert (await telegram(page, "mainButton()"))["isActive"] is False
        assert await telegram(page, "pressMain()") is False

        # Three moves within a few seconds are one history row; the creation is another, older one.
        rows = page.get_by_test_id("history-row")
        await expect(rows).to_have_count(2)
        await expect(rows.nth(0).get_by_test_id("history-move")).to_have_text("In box → Priming")
        await expect(rows.nth(0).get_by_test_id("history-qty")).to_have_text("10 pcs")
        await expect(rows.nth(0).get_by_test_id("history-events")).to_have_text("×3 events")
        await expect(rows.nth(1).get_by_test_id("history-move")).to_have_text("Added to “In box”")
        await expect(rows.nth(1).get_by_test_id("history-qty")).to_have_text("10 pcs")
        await expect(rows.nth(1).get_by_test_id("history-events")).to_have_count(0)

        assert await telegram(page, "pressBack()") is True
        await expect(page).to_have_url(re.compile(r"/app/#/minis$"))
        await expect_badges(page, "Space Marines", PRIMING=10)
        assert (await telegram(page, "backButton()"))["isVisible"] is False
        assert (await telegram(page, "mainButton()"))["isVisible"] is False
        async with miniapp.api(ALICE) as api:
            assert await stage_counts(api) == {"Space Marines": counts(PRIMING=10)}
        await miniapp.close(page, "lifecycle")

    async def test_a_stale_screen_cannot_overdraw_and_catches_up_on_focus(self, miniapp: MiniApp) -> None:
        async with miniapp.api(ALICE) as api:
            type_id = await seed(api, "Aeldari", 5)
            page = await miniapp.open(ALICE)
            await expect_badges(page, "Aeldari", IN_BOX=5)
            await page.get_by_test_id("type-row-Aeldari").click()
            await expect_stage_counts(page, IN_BOX=5)

            # Another device finishes three while this screen still shows five in the box.
            moved = await api.post(f"/types/{type_id}/move",
                                   json={"from_stage": "IN_BOX", "to_stage": "DONE", "qty": 3})
            assert moved.status_code == 200, moved.text
            await page.get_by_test_id("move-to").select_option("BUILDING")
            await page.get_by_test_id("move-qty").fill("4")
            await page.get_by_test_id("move-submit").click()
            error = page.get_by_test_id("error-text")
            await expect(error).to_have_attribute("data-error-code", "ERR_INSUFFICIENT_QTY")
            await expect(error).to_have_text("Not enough miniatures at this stage. The numbers have been refreshed.")
            await expect_stage_counts(page, IN_BOX=2, DONE=3)
            await expect(page.get_by_test_id("move-available")).to_have_text("Available: 2")
            await expect(page.get_by_test_id("move-qty")).to_have_value("4")  # what was typed stays, refused
            await expect(page.get_by_test_id("move-too-many")).to_have_text("Only 2 available: you asked to move 4.")
            assert await stage_counts(api) == {"Aeldari": counts(IN_BOX=2, DONE=3)}

            # More changes elsewhere; the screen catches up when the window regains focus.
            await seed(api, "Necrons", 1)
            moved = await api.post(f"/types/{type_id}/move",
                                   json={"from_stage": "IN_BOX", "to_stage": "PRIMING", "qty": 2})
            assert moved.status_code == 200, moved.text
        await page.evaluate("window.dispatchEvent(new Event('focus'))")
        await expect_stage_counts(page, PRIMING=2, DONE=3)
        await expect(page.get_by_test_id("move-available")).to_have_text("Available: 0")
        await expect(page.get_by_test_id("history-row").first.get_by_test_id("history-move")).to_have_text(
            "In box → Priming")

        assert await telegram(page, "pressBack()") is True
        await expect_badges(page, "Aeldari", PRIMING=2, DONE=3)
        await expect_badges(page, "Necrons", IN_BOX=1)
        await miniapp.close(page, "catch-up")


class TestLanguage:
    async def test_switching_language_keeps_the_screen_and_what_was_typed(self, miniapp: MiniApp) -> None:
        # Launch parameters in the URL fragment (a web client, dark theme); Boris's Telegram speaks Russian.
        page = await miniapp.open(BORIS, via="fragment", platform="web", dark=True)
        assert await page.evaluate("document.documentElement.dataset.colorScheme") == "dark"
        await expect(page.get_by_test_id("screen-title")).to_have_text("Миниатюры")
        await expect(page.get_by_test_id("empty-state")).to_contain_text("Миниатюр пока нет")

        await page.get_by_test_id("create-name").fill("Орки")
        await page.get_by_test_id("create-submit").click()
        await expect(page.get_by_test_id("status-text")).to_have_text("Тип «Орки» добавлен.")
        await page.get_by_test_id("type-row-Орки").click()
        await expect(page.get_by_test_id("type-name")).to_have_text("Орки")
        details_url = page.url

        # Nothing in the box: the disabled state, in Russian.
        await expect(page.get_by_test_id("move-available")).to_have_text("Доступно: 0")
        await expect(page.get_by_test_id("move-submit")).to_be_disabled()
        await expect(page.get_by_test_id("history-row")).to_have_count(0)
        # The web client draws no Back button, so the page has its own.
        await expect(page.get_by_test_id("back-button")).to_have_text("‹ Назад")

        await page.get_by_test_id("add-qty").fill("7")
        await page.get_by_test_id("lang-switch").click()
        await expect(page.get_by_test_id("move-available")).to_have_text("Available: 0")
        await expect(page.get_by_test_id("lang-switch")).to_have_text("RU")
        await expect(page.get_by_test_id("add-qty")).to_have_value("7")
        assert page.url == details_url

        await page.get_by_test_id("add-submit").click()
        await expect(page.get_by_test_id("status-text")).to_have_text("Added 7 to “In box”.")
        await expect_stage_counts(page, IN_BOX=7)
        await page.get_by_test_id("move-qty").fill("5")
        await page.get_by_test_id("lang-switch").click()
        await expect(page.get_by_test_id("move-available")).to_have_text("Доступно: 7")
        # The success notice is re-translated too, and the typed quantity stays.
        await expect(page.get_by_test_id("status-text")).to_have_text("Добавлено 7 в «В коробке».")
        await expect(page.get_by_test_id("move-qty")).to_have_value("5")
        assert page.url == details_url

        await page.get_by_test_id("back-button").click()
        await expect(page.get_by_test_id("screen-title")).to_have_text("Миниатюры")
        await page.get_by_test_id("search-input").fill("орк")
        await page.get_by_test_id("create-name").fill("Тау")
        await expect(page.get_by_test_id("type-row-Орки")).to_be_visible()
        await page.get_by_test_id("lang-switch").click()
        await expect(page.get_by_test_id("screen-title")).to_have_text("Miniatures")
        await expect(page.get_by_test_id("search-input")).to_have_value("орк")
        await expect(page.get_by_test_id("create-name")).to_have_value("Тау")
        await expect(page.get_by_test_id("type-row-Орки")).to_contain_text("7 total")

        # A reload (Telegram does not re-send the fragment) keeps the session and the chosen language.
        await page.reload()
        await expect(page.get_by_test_id("screen-title")).to_have_text("Miniatures")
        await expect_badges(page, "Орки", IN_BOX=7)
        await miniapp.close(page, "language")


class TestBackup:
    async def test_export_downloads_the_same_document_as_the_api(self, miniapp: MiniApp) -> None:
        async with miniapp.api(ALICE) as api:
            await seed(api, "Space Marines", 10, ("IN_BOX", "BUILDING", 3), ("BUILDING", "PAINTING", 1))
            await seed(api, "Aeldari", 2)
            page = await miniapp.open(ALICE)
            await expect_badges(page, "Space Marines", IN_BOX=7, BUILDING=2, PAINTING=1)

            async with page.expect_download() as download_info:
                await page.get_by_test_id("export-button").click()
            download = await download_info.value
            assert re.fullmatch(r"minis-export-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
            saved = json.loads(_read(await download.path()))
            expected = (await api.get("/export")).json()
        assert saved == expected
        assert [t["name"] for t in saved["types"]] == ["Aeldari", "Space Marines"]
        assert saved["types"][1]["stage_counts"] == counts(IN_BOX=7, BUILDING=2, PAINTING=1)
        await expect(page.get_by_test_id("import-status")).to_have_text(f"Saved {download.suggested_filename}.")
        await miniapp.close(page, "export")

    async def test_import_merges_a_modified_export_and_refuses_bad_files(self, miniapp: MiniApp) -> None:
        async with miniapp.api(ALICE) as api:
            await seed(api, "Space Marines", 10, ("IN_BOX", "PRIMING", 4))
            page = await miniapp.open(ALICE)
            async with page.expect_download() as download_info:
                await page.get_by_test_id("export-button").click()
            document = json.loads(_read(await (await download_info.value).path()))
            before = await stage_counts(api)

            upload = page.get_by_test_id("import-input")
            await upload.set_input_files(_file("notes.txt", b"these are not my miniatures"))
            error = page.get_by_test_id("error-text")
            await expect(error).to_have_text("This file is not JSON. Choose a file created by Export.")
            await expect(error).to_have_attribute("data-error-code", "ERR_IMPORT_NOT_JSON")

            await upload.set_input_files(_file("future.json", json.dumps({**document, "version": 2}).encode()))
            # a JSON file is imported only once the user agrees that its counts are added to what is there
            await expect(page.get_by_test_id("import-confirm")).to_contain_text("added")
            assert await stage_counts(api) == before
            await page.get_by_test_id("import-confirm-button").click()
            await expect(error).to_have_attribute("data-error-code", "ERR_IMPORT_INVALID")
            await expect(error).to_have_text("This file is not a valid export.")

            negative = json.loads(json.dumps(document))
            negative["types"][0]["stage_counts"]["DONE"] = -1
            await upload.set_input_files(_file("negative.json", json.dumps(negative).encode()))
            await page.get_by_test_id("import-confirm-button").click()
            await expect(error).to_have_attribute("data-error-code", "ERR_IMPORT_LIMITS")
            await expect(error).to_have_text("The file exceeds the import limits.")
            assert await stage_counts(api) == before

            # The export, edited: two more painted, and a new type. Counts are added to what is there.
            document["types"][0]["stage_counts"]["DONE"] = 2
            document["types"].append({"name": "Necrons", "stage_counts": {"IN_BOX": 3}, "history": [
                {"from_stage": None, "to_stage": "IN_BOX", "qty": 3, "created_at": "2025-01-05T10:00:00Z"}]})
            await upload.set_input_files(_file("edited.json", json.dumps(document).encode()))
            await page.get_by_test_id("import-confirm-button").click()
            await expect(page.get_by_test_id("import-status")).to_have_text("Imported 2 types: 1 new, 1 merged.")
            await expect(error).to_have_count(0)
            await expect_badges(page, "Space Marines", IN_BOX=12, PRIMING=8, DONE=2)
            await expect_badges(page, "Necrons", IN_BOX=3)
            assert await stage_counts(api) == {"Necrons": counts(IN_BOX=3),
                                               "Space Marines": counts(IN_BOX=12, PRIMING=8, DONE=2)}
        await page.get_by_test_id("type-row-Necrons").click()
        await expect(page.get_by_test_id("history-move")).to_have_text("Added to “In box”")
        await expect(page.get_by_test_id("history-qty")).to_have_text("3 pcs")
        await miniapp.close(page, "import")


class TestIsolation:
    async def test_a_second_user_sees_only_their_own_collection(self, miniapp: MiniApp) -> None:
        alice = await miniapp.open(ALICE)
        await alice.get_by_test_id("create-name").fill("Space Marines")
        await alice.get_by_test_id("create-qty").fill("5")
        await alice.get_by_test_id("create-submit").click()
        await alice.get_by_test_id("type-row-Space Marines").click()
        await expect(alice.get_by_test_id("type-name")).to_have_text("Space Marines")
        alice_type = alice.url.split("#", 1)[1]
        assert await telegram(alice, "pressBack()") is True
        await alice.get_by_test_id("create-name").fill("space marines")
        await alice.get_by_test_id("create-submit").click()
        await expect(alice.get_by_test_id("error-text")).to_have_text("A type with this name already exists.")
        await expect(alice.get_by_test_id("error-text")).to_have_attribute("data-error-code", "ERR_DUPLICATE_NAME")

        carol = await miniapp.open(CAROL)
        await expect(carol.get_by_test_id("empty-state")).to_be_visible()
        await expect(carol.get_by_test_id("type-row-Space Marines")).to_have_count(0)
        await carol.get_by_test_id("search-input").fill("Space")
        await expect(carol.get_by_test_id("empty-state")).to_have_text("Nothing found for “Space”.")

        # Alice's type by its address: not found for Carol, and nothing about it shown.
        await carol.evaluate(f"window.location.hash = {json.dumps(alice_type)}")
        error = carol.get_by_test_id("error-text")
        await expect(error).to_have_attribute("data-error-code", "ERR_NOT_FOUND")
        await expect(error).to_have_text("Not found. It may have been deleted.")
        await expect(carol.get_by_test_id("type-name")).to_have_count(0)
        await carol.get_by_test_id("home-button").click()

        # The same name is free for Carol, and her collection stays apart from Alice's.
        await carol.get_by_test_id("search-input").fill("")
        await carol.get_by_test_id("create-name").fill("Space Marines")
        await carol.get_by_test_id("create-submit").click()
        await expect_badges(carol, "Space Marines", IN_BOX=0)
        await alice.evaluate("window.dispatchEvent(new Event('focus'))")
        await expect_badges(alice, "Space Marines", IN_BOX=5)
        await miniapp.close(carol, "isolation-carol")
        await miniapp.close(alice, "isolation-alice")

    async def test_without_telegram_the_app_asks_to_reopen_it_from_the_bot(self, miniapp: MiniApp) -> None:
        context = await miniapp.browser.new_context(locale="en-US")
        page = await context.new_page()
        await page.goto(f"{miniapp.base_url}/app/")
        error = page.get_by_test_id("error-text")
        await expect(error).to_have_attribute("data-error-code", "ERR_UNAUTHORIZED")
        await expect(error).to_have_text("Your session is not valid. Reopen the app from the Telegram bot.")
        await context.close()


def _file(name: str, content: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/json", "buffer": content}


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
