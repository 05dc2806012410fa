"""The Minis API in a small FastAPI app over the real test database, and signed Mini App users."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI
from minis_helpers import ALICE, BOB

from core.runtime import Runtime
from tests.conftest import TEST_BOT_TOKEN
from tests.fakes.initdata import tma_header
from webapp.api.v1.minis import router
from webapp.errors import install_error_handlers

Auth = Callable[[int], dict[str, str]]


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    application = FastAPI()
    install_error_handlers(application)
    application.include_router(router)
    application.state.runtime = runtime
    return application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://minis.test") as c:
        yield c


@pytest.fixture
def auth() -> Auth:
    """Headers of a Mini App user signed with the test bot token."""
    return lambda user_id: tma_header(TEST_BOT_TOKEN, user_id)


@pytest.fixture
def alice(auth: Auth) -> dict[str, str]:
    return auth(ALICE)


@pytest.fixture
def bob(auth: Auth) -> dict[str, str]:
    return auth(BOB)
