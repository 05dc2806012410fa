"""The real web app over the test database, reached in process: the `web_app` and `api` fixtures the API tests share
(import them into an app's conftest)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from core.runtime import Runtime
from webapp.app import create_app


@pytest.fixture
def web_app(runtime: Runtime) -> FastAPI:
    app = create_app(runtime.settings, runtime=runtime, run_migrations=False)
    app.state.runtime = runtime
    return app


@pytest.fixture
async def api(web_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web_app), base_url="http://api.test") as c:
        yield c
