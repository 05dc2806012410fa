"""`miniapp`: the web app served on loopback over the test database, and Debian's Chromium (see miniapp_harness)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from miniapp_harness import CHROMIUM, CHROMIUM_ARGS, MiniApp
from playwright.async_api import async_playwright

from core.config import Settings
from core.runtime import Runtime
from tests.conftest import IN_CI
from tests.support.sandbox import serve
from webapp.app import FRONTEND_DIST, create_app


def _unavailable(reason: str) -> None:
    """Skip on a developer machine; in CI a missing browser or bundle is a failure, not a silent pass."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
async def miniapp(settings: Settings, runtime: Runtime) -> AsyncIterator[MiniApp]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not (FRONTEND_DIST / "index.html").exists():
        _unavailable("the Mini App is not built (make frontend)")
    app = create_app(settings.model_copy(update={"sandbox": False}), runtime=runtime, run_migrations=False)
    async with serve(app) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        harness = MiniApp(base_url, browser)
        try:
            yield harness
        finally:
            await browser.close()
        assert harness.page_errors == [], f"uncaught errors in the page: {harness.page_errors}"
