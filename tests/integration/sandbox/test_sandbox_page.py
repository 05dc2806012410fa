"""The chat page in a real browser: chat, press a button, open a Mini App that sees valid initData."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from sandbox import create_standalone_app

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "4242:PAGE-test-token"

MINI_APP = """<!doctype html><html><body>
<p id="user">no user</p>
<script src="{sandbox}/sandbox/telegram-web-app.js"></script>
<script>
  const app = window.Telegram.WebApp;
  document.getElementById("user").textContent = "user " + app.initDataUnsafe.user.id;
  app.MainButton.setText("Save").show().onClick(() => {{ document.body.dataset.clicked = "yes"; }});
  app.ready();
</script></body></html>"""


@pytest.fixture
async def sandbox_url(serve) -> AsyncIterator[str]:
    async with serve(create_standalone_app(None, open_chats=True)) as url:
        yield url


@pytest.fixture
async def mini_app_url(serve, sandbox_url: str) -> AsyncIterator[str]:
    async def page(_: object) -> HTMLResponse:
        return HTMLResponse(MINI_APP.format(sandbox=sandbox_url))

    async with serve(Starlette(routes=[Route("/app", page)])) as url:
        yield f"{url}/app"


@pytest.fixture
async def browser_page() -> AsyncIterator[object]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await browser.new_page()
        yield page
        await browser.close()


async def test_a_person_chats_presses_buttons_and_opens_a_mini_app(sandbox_url, mini_app_url, browser_page) -> None:
    from playwright.async_api import Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    async with httpx.AsyncClient(base_url=f"{sandbox_url}/bot{TOKEN}") as bot:
        await bot.post("/getMe")
        await bot.post("/sendMessage", json={"chat_id": 42, "text": "<b>Pick</b> one", "parse_mode": "HTML",
                                             "reply_markup": {"inline_keyboard": [[
                                                 {"text": "Done", "callback_data": "done"},
                                                 {"text": "Open", "web_app": {"url": mini_app_url}}]]}})
        await page.goto(f"{sandbox_url}/sandbox/")
        await page.fill("#chat-id", "42")
        await page.click("#open-chat button[type=submit]")
        await expect(page.locator("#messages b", has_text="Pick")).to_be_visible()

        await page.fill("#text", "hello bot")
        await page.press("#text", "Enter")
        await page.get_by_role("button", name="Done").click()
        await expect(page.locator(".msg.mine", has_text="hello bot")).to_be_visible()
        updates = []
        for _ in range(50):
            updates = (await bot.post("/getUpdates")).json()["result"]
            if len(updates) == 2:
                break
            await page.wait_for_timeout(50)
        await bot.post("/answerCallbackQuery", json={"callback_query_id": updates[1]["callback_query"]["id"],
                                                     "text": "Marked done"})
        await expect(page.locator("#toast")).to_have_text("Marked done")

        await page.get_by_role("button", name="Open ▣").click()
        frame = page.frame_locator("#miniapp-frame")
        await expect(frame.locator("#user")).to_have_text("user 42")
        await page.locator("#miniapp-main").click()
        await expect(frame.locator("body")).to_have_attribute("data-clicked", "yes")

    assert updates[0]["message"]["text"] == "hello bot"
    assert updates[1]["callback_query"]["data"] == "done"
