"""The web app over ASGI on the test runtime, with the in-process job runner running (ingest and answers are jobs),
and signed-in users: a Bearer access JWT each, as the CLI client has after `login`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI

from core.auth.tokens import make_access_token
from core.runtime import Runtime
from core.users.service import ensure_user
from tests.fakes.gemini_server import FakeGemini
from tests.fakes.openai_server import FakeOpenAI, fake_vector
from webapp.app import create_app
from worker.inprocess import InProcessRunner

ALICE, BOB = 5001, 5002


@pytest.fixture
async def web_app(runtime: Runtime) -> AsyncIterator[FastAPI]:
    runtime.settings = runtime.settings.model_copy(update={"sandbox": False})
    app = create_app(runtime.settings, runtime=runtime, run_migrations=False)
    app.state.runtime = runtime
    runner = InProcessRunner(runtime, poll_interval=0.1)
    task = asyncio.create_task(runner.run())
    yield app
    await runner.stop()  # a job still reading a file finishes: no transaction is cut halfway at teardown
    await asyncio.gather(task, return_exceptions=True)


async def _user(runtime: Runtime, user_id: int, language: str = "en") -> None:
    async with runtime.unit_of_work() as session:
        await ensure_user(session, user_id, first_name=f"user{user_id}", username=None, language_code=language,
                          default_language="en", default_timezone="UTC", default_reminder_minutes=15)


@pytest.fixture
async def client(web_app: FastAPI, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """Alice's client."""
    await _user(runtime, ALICE)
    token = make_access_token(ALICE, runtime.settings.jwt_signing_key, ttl=600)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web_app), base_url="http://test",
                                 headers={"Authorization": f"Bearer {token}"}) as c:
        yield c


@pytest.fixture
async def bob(web_app: FastAPI, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    await _user(runtime, BOB)
    token = make_access_token(BOB, runtime.settings.jwt_signing_key, ttl=600)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web_app), base_url="http://test",
                                 headers={"Authorization": f"Bearer {token}"}) as c:
        yield c


Fake = TypeVar("Fake", FakeOpenAI, FakeGemini)


@asynccontextmanager
async def serving(runtime: Runtime, server: Fake, provider: str, **settings: Any) -> AsyncIterator[Fake]:
    """The provider through its real SDK against the local fake; embeddings are answered apart (``embedder``), so the
    replies a test queues go to the chat requests."""
    server.embedder = fake_vector
    async with server:
        runtime.settings = runtime.settings.model_copy(update={
            "ai_provider": provider, f"{provider}_base_url": server.base_url, "ai_max_retries": 0, **settings})
        yield server


@pytest.fixture
async def fake_openai(runtime: Runtime) -> AsyncIterator[FakeOpenAI]:
    async with serving(runtime, FakeOpenAI(), "openai") as server:
        yield server


@pytest.fixture
async def fake_gemini(runtime: Runtime) -> AsyncIterator[FakeGemini]:
    async with serving(runtime, FakeGemini(), "gemini") as server:
        yield server


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 15.0) -> Any:
    """Poll ``check`` until it returns something truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"timed out; last: {result!r}")
        await asyncio.sleep(0.05)


async def upload(client: httpx.AsyncClient, data: bytes, name: str = "Устав.pdf",
                 mime: str = "application/pdf") -> httpx.Response:
    return await client.post("/api/v1/files/upload", files={"file": (name, data, mime)})


async def ready_file(client: httpx.AsyncClient, data: bytes, name: str = "Устав.pdf") -> dict[str, Any]:
    """Upload and wait until the ingest job has read it."""
    response = await upload(client, data, name)
    assert response.status_code == 201, response.text
    file_id = response.json()["id"]

    async def ready() -> dict[str, Any] | None:
        body: dict[str, Any] = (await client.get(f"/api/v1/files/{file_id}")).json()
        return body if body["status"] == "ready" else None

    return await eventually(ready)  # type: ignore[no-any-return]
