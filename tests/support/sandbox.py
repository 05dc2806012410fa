"""Test helpers: run the sandbox on a loopback port and talk to its control API like a person would."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI


def free_socket(port: int = 0) -> socket.socket:
    """A loopback socket on a free port (or on ``port``, e.g. one a client was told of before the server starts)."""
    # IPPROTO_TCP, so that asyncio sets TCP_NODELAY (protocol 0 leaves every split response waiting ~40 ms)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


def free_port() -> int:
    with free_socket() as sock:
        return int(sock.getsockname()[1])


@asynccontextmanager
async def serve(app: FastAPI, port: int = 0) -> AsyncIterator[str]:
    """Serve an ASGI app with uvicorn on 127.0.0.1:<free port> (or ``port``) inside this event loop."""
    sock = free_socket(port)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@asynccontextmanager
async def running_sandbox(state_file: Path | None = None, **kwargs: Any) -> AsyncIterator[str]:
    """The sandbox on loopback with two of its switches on: the product's bot sets its webhook on a local address
    (`local_webhooks`), and the product's tests have it write to users straight from jobs and the outbox, without a
    message from them first (`open_chats`; Telegram would answer "chat not found"). Pass False to be strict."""
    from sandbox.app import create_standalone_app

    kwargs.setdefault("local_webhooks", True)
    kwargs.setdefault("open_chats", True)
    async with serve(create_standalone_app(state_file=state_file, **kwargs)) as url:
        yield url


class SandboxClient:
    """The control API of the sandbox, as a person in a chat would use it."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.http = httpx.AsyncClient(base_url=self.base + "/sandbox/api", timeout=10)

    async def close(self) -> None:
        await self.http.aclose()

    async def say(self, chat_id: int, text: str, user_id: int | None = None, **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"chat_id": chat_id, "text": text, **extra}
        if user_id is not None:
            body["user_id"] = user_id
        r = await self.http.post("/messages", json=body)
        r.raise_for_status()
        result: dict[str, Any] = r.json()
        return result

    async def edit(self, chat_id: int, message_id: int, text: str | None = None, *,
                   caption: str | None = None) -> dict[str, Any]:
        """The person edits a message of theirs (its text, or a photo's caption): an ``edited_message``."""
        r = await self.http.post("/edits", json={"chat_id": chat_id, "message_id": message_id, "text": text,
                                                 "caption": caption})
        r.raise_for_status()
        result: dict[str, Any] = r.json()
        return result

    async def album(self, chat_id: int, photos: list[bytes], caption: str | None = None,
                    **form: str) -> dict[str, Any]:
        """Photos sent as one album: {"update_ids", "message_ids", "media_group_id"}."""
        data = {"chat_id": str(chat_id), **form, **({"caption": caption} if caption else {})}
        files = [("files", (f"photo{n}.png", photo, "image/png")) for n, photo in enumerate(photos)]
        r = await self.http.post("/albums", data=data, files=files)
        r.raise_for_status()
        result: dict[str, Any] = r.json()
        return result

    async def press(self, chat_id: int, message_id: int, data: str) -> dict[str, Any]:
        r = await self.http.post("/callbacks", json={"chat_id": chat_id, "message_id": message_id, "data": data})
        r.raise_for_status()
        result: dict[str, Any] = r.json()
        return result

    async def callback_answer(self, query_id: str, timeout: float = 15.0) -> dict[str, Any]:
        """How the bot answered a pressed button (its toast or alert), once it has."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = await self.http.get(f"/callbacks/{query_id}")
            answer: dict[str, Any] = r.json()
            if answer.get("answered"):
                return answer
            await asyncio.sleep(0.05)
        raise AssertionError(f"callback {query_id} was not answered")

    async def messages(self, chat_id: int) -> list[dict[str, Any]]:
        r = await self.http.get(f"/chats/{chat_id}/messages")
        r.raise_for_status()
        result: list[dict[str, Any]] = r.json()
        return result

    async def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for m in await self.messages(chat_id) if m["from_bot"]]

    async def config(self, **values: Any) -> None:
        r = await self.http.post("/config", json=values)
        r.raise_for_status()

    async def wait_for(self, chat_id: int, predicate: Callable[[list[dict[str, Any]]], bool],
                       timeout: float = 15.0) -> list[dict[str, Any]]:
        """Poll the chat until ``predicate(bot messages)`` holds; fail with what the chat shows."""
        deadline = time.monotonic() + timeout
        msgs: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            msgs = await self.bot_messages(chat_id)
            if predicate(msgs):
                return msgs
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out; the bot said in chat {chat_id}: {[m.get('text') for m in msgs]}")

    async def wait_for_text(self, chat_id: int, fragment: str, timeout: float = 15.0) -> dict[str, Any]:
        msgs = await self.wait_for(chat_id, lambda ms: any(fragment in (m.get("text") or "") for m in ms), timeout)
        return next(m for m in msgs if fragment in (m.get("text") or ""))
