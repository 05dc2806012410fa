"""Fixtures for the sandbox: the app over ASGI, a Bot API caller, and a real uvicorn server on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from sandbox import create_sandbox_app

TOKEN = "123456789:SANDBOX-test-token"
LOOSE: dict[str, Any] = {"open_chats": True, "local_webhooks": True}  # the sandbox's switches off Telegram's rules


class BotApi:
    """Calls `/bot<token>/<method>` with a JSON body and returns Telegram's answer (any status)."""

    def __init__(self, client: httpx.AsyncClient, token: str = TOKEN) -> None:
        self.client = client
        self.token = token
        self.bot_id = int(token.split(":")[0])

    async def __call__(self, method: str, **params: Any) -> dict[str, Any]:
        response = await self.client.post(f"/bot{self.token}/{method}", json=params)
        body: dict[str, Any] = response.json()
        assert response.status_code == (200 if body["ok"] else body["error_code"])
        return body

    async def ok(self, method: str, **params: Any) -> Any:
        body = await self(method, **params)
        assert body["ok"], body
        return body["result"]


@pytest.fixture
async def sandbox_app() -> AsyncIterator[FastAPI]:
    # most tests have the bot write first and set webhooks on loopback; test_sandbox_telegram_errors.py is strict
    app = create_sandbox_app(**LOOSE)
    yield app
    await app.state.sandbox.aclose()


@pytest.fixture
async def client(sandbox_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=sandbox_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as c:
        yield c


@pytest.fixture
def make_bot(client: httpx.AsyncClient) -> Callable[..., BotApi]:
    """Another bot (token) talking to the same sandbox; it has not called anything yet."""
    return lambda token=TOKEN: BotApi(client, token)


@pytest.fixture
async def bot(client: httpx.AsyncClient) -> BotApi:
    api = BotApi(client)
    await api.ok("getMe")  # the bot connects, so control-API updates go to it
    return api


Say = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def say(client: httpx.AsyncClient) -> Say:
    async def say(text: str, chat_id: int = 42, **extra: Any) -> dict[str, Any]:
        """A person types `text` in the chat; returns {"update_id", "message_id"}."""
        response = await client.post("/api/messages", json={"chat_id": chat_id, "text": text, **extra})
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    return say


@pytest.fixture
def serve() -> Callable[..., AbstractAsyncContextManager[str]]:
    return serve_app


@asynccontextmanager
async def serve_app(app: Any, graceful_timeout: int | None = 1) -> AsyncIterator[str]:
    """Serve an ASGI app with uvicorn on a free loopback port; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                            timeout_graceful_shutdown=graceful_timeout)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
