"""The chat page shows each kind of message a bot can send: albums as a grid, polls one can vote in, dice,
contacts, venues, live locations, and a draft being streamed."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sandbox import create_standalone_app

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "4343:KINDS-test-token"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000002000000030806000000")


@pytest.fixture
async def sandbox_url(serve) -> AsyncIterator[str]:
    async with serve(create_standalone_app(None)) as url:
        yield url


@pytest.fixture
async def page(sandbox_url: str) -> AsyncIterator[Any]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page
        await browser.close()
        assert errors == []


async def test_every_new_kind_of_message_is_shown_and_a_poll_can_be_voted_in(sandbox_url: str, page: Any) -> None:
    from playwright.async_api import expect

    async with httpx.AsyncClient(base_url=f"{sandbox_url}/bot{TOKEN}") as bot, \
            httpx.AsyncClient(base_url=f"{sandbox_url}/sandbox/api") as control:
        await bot.post("/getMe")
        await control.post("/messages", json={"chat_id": 42, "text": "/start"})  # the person writes first
        album = await bot.post("/sendMediaGroup", data={"chat_id": "42", "media": (
            '[{"type": "photo", "media": "attach://a", "caption": "Two photos"},'
            ' {"type": "photo", "media": "attach://b"}]')}, files={"a": ("a.png", PNG), "b": ("b.png", PNG)})
        assert album.json()["ok"], album.text
        poll = (await bot.post("/sendPoll", json={"chat_id": 42, "question": "Lunch?", "options": ["Soup", "Salad"],
                                                  "is_anonymous": False})).json()["result"]
        await bot.post("/sendDice", json={"chat_id": 42, "emoji": "🎲"})
        await bot.post("/sendContact", json={"chat_id": 42, "phone_number": "+15550100", "first_name": "Ann"})
        await bot.post("/sendVenue", json={"chat_id": 42, "latitude": 52.5, "longitude": 13.4, "title": "Office",
                                           "address": "Main st 1"})
        await bot.post("/sendLocation", json={"chat_id": 42, "latitude": 1.5, "longitude": 2.5, "live_period": 600})
        await bot.post("/sendMessageDraft", json={"chat_id": 42, "draft_id": 1, "text": "Still typing this"})

        await page.goto(f"{sandbox_url}/sandbox/")
        await page.fill("#chat-id", "42")
        await page.click("#open-chat button[type=submit]")

        await expect(page.locator(".msg .album img")).to_have_count(2)
        await expect(page.locator(".msg", has=page.locator(".album"))).to_contain_text("Two photos")
        await expect(page.locator(".msg .dice .dice-emoji")).to_have_text("🎲")
        await expect(page.locator(".msg .contact")).to_contain_text("Ann · +15550100")
        await expect(page.locator(".msg .venue")).to_contain_text("Office")
        await expect(page.locator(".msg .location.live")).to_contain_text("1.5, 2.5")
        await expect(page.locator("#draft")).to_have_text("Still typing this")

        await page.locator(".poll-option", has_text="Salad").click()
        await expect(page.locator(".poll-option", has_text="Salad")).to_have_text("Salad — 1")
        updates = (await bot.post("/getUpdates", json={"offset": 0})).json()["result"]

    answers = [u["poll_answer"] for u in updates if "poll_answer" in u]
    assert answers and answers[-1]["poll_id"] == poll["poll"]["id"] and answers[-1]["option_ids"] == [1]
