"""The FastAPI app over ASGI with the test runtime (real database)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from core.runtime import Runtime
from webapp.app import create_app


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: schemathesis against the live app (test_api_fuzz.py); in `make test`")


@pytest.fixture
def web_app(runtime: Runtime) -> FastAPI:
    runtime.settings = runtime.settings.model_copy(update={"sandbox": False, "webhook_secret": "hook-secret"})
    app = create_app(runtime.settings, runtime=runtime, run_migrations=False)
    app.state.runtime = runtime
    return app


@pytest.fixture
async def client(web_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web_app), base_url="http://test") as c:
        yield c
