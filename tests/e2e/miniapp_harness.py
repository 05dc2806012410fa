"""The Mini App in Debian's Chromium against the running web app (real uvicorn, real database).

The `miniapp` fixture (conftest.py) serves `webapp.app.create_app(...)` on a loopback port and launches
Chromium; `MiniApp.open` opens a page as a Telegram user in one of two ways, both with initData signed
by the test bot token:
- `via="webapp"`: `pages/telegram_webapp.js` defines `window.Telegram.WebApp` (what Telegram's script
  provides) before the app loads, and records every Back/Main button call;
- `via="fragment"`: the launch parameters are in the URL fragment (`#tgWebAppData=…`), as Telegram
  passes them to a web client.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import httpx
from playwright.async_api import Browser, Page

from tests.conftest import TEST_BOT_TOKEN
from tests.fakes.initdata import sign_init_data

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
TELEGRAM_STUB = (Path(__file__).parent / "pages" / "telegram_webapp.js").read_text(encoding="utf-8")
LIGHT_THEME = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#707579", "link_color": "#3390ec",
               "button_color": "#3390ec", "button_text_color": "#ffffff", "secondary_bg_color": "#f4f4f5"}
DARK_THEME = {"bg_color": "#212121", "text_color": "#ffffff", "hint_color": "#aaaaaa", "link_color": "#8774e1",
              "button_color": "#8774e1", "button_text_color": "#ffffff", "secondary_bg_color": "#181818"}
# Set to a directory to keep a screenshot of every page a test closes (never committed).
SCREENSHOT_DIR = os.environ.get("SECRETARY_E2E_SCREENSHOTS", "")


@dataclass
class MiniApp:
    """The served web app and a browser; opens the Mini App as a given Telegram user."""

    base_url: str
    browser: Browser
    page_errors: list[str] = field(default_factory=list)

    def init_data(self, user: dict[str, Any]) -> str:
        return sign_init_data(TEST_BOT_TOKEN, user, query_id="AAE2E-test")

    def api(self, user: dict[str, Any]) -> httpx.AsyncClient:
        """The HTTP API as this user (what another device of theirs would do)."""
        return httpx.AsyncClient(base_url=f"{self.base_url}/api/v1", timeout=10,
                                 headers={"Authorization": f"tma {self.init_data(user)}"})

    async def open(self, user: dict[str, Any], *, via: Literal["webapp", "fragment"] = "webapp",
                   platform: str = "android", dark: bool = False, path: str = "/minis") -> Page:
        """A fresh browser context (its own storage) showing the screen at `path` (the Minis list) as `user`."""
        context = await self.browser.new_context(accept_downloads=True, locale="en-US", timezone_id="UTC",
                                                 viewport={"width": 420, "height": 860})
        context.set_default_timeout(10_000)
        theme = DARK_THEME if dark else LIGHT_THEME
        init_data = self.init_data(user)
        if via == "webapp":
            config = {"initData": init_data, "platform": platform, "themeParams": theme,
                      "colorScheme": "dark" if dark else "light"}
            await context.add_init_script(f"window.__E2E_TELEGRAM__ = {json.dumps(config)};\n{TELEGRAM_STUB}")
            url = f"{self.base_url}/app/" + (f"#{path}" if path != "/minis" else "")
        else:
            fragment = "&".join(f"{key}={quote(value, safe='')}" for key, value in (
                ("tgWebAppData", init_data), ("tgWebAppVersion", "7.0"), ("tgWebAppPlatform", platform),
                ("tgWebAppThemeParams", json.dumps(theme, separators=(",", ":")))))
            url = f"{self.base_url}/app/#{fragment}"
        page = await context.new_page()
        page.on("pageerror", lambda exc: self.page_errors.append(f"{page.url}: {exc}"))
        await page.goto(url)
        await page.wait_for_url(f"**/app/#{path}")
        return page

    async def close(self, page: Page, name: str) -> None:
        if SCREENSHOT_DIR:
            await page.screenshot(path=Path(SCREENSHOT_DIR) / f"{name}.png", full_page=True)  # makes the dir
        await page.context.close()
