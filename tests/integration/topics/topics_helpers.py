"""Helpers for the topics and /ask sandbox tests: notes filed straight from the items service, the group's
topics and messages as the sandbox shows them."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from aiohttp import web
from sqlalchemy import select

from core.items.models import Item
from core.items.repository import next_number
from core.items.service import create_note
from core.runtime import Runtime
from core.topics.models import NoteFiling
from core.users.service import ensure_user
from tests.fakes.openai_server import FakeOpenAI
from tests.support.sandbox import SandboxClient

GROUP_ID = -1001234567890


async def make_user(runtime: Runtime, user_id: int, language: str = "en") -> None:
    async with runtime.unit_of_work() as s:
        await ensure_user(s, user_id, first_name="Ann", language_code=language)


async def add_notes(runtime: Runtime, user_id: int, *texts: str, file: bool = True) -> list[int]:
    """Notes created in one unit of work (creating a note enqueues its filing job; they run side by side);
    with ``file=False`` the rows are written directly, so no job talks to the provider."""
    await make_user(runtime, user_id)
    ids = []
    async with runtime.unit_of_work() as s:
        for text in texts:
            if file:
                item = await create_note(s, user_id, text)
            else:
                item = Item(user_id=user_id, number=await next_number(s, user_id), title=text, text=text)
                s.add(item)
                await s.flush()
            ids.append(item.id)
    return ids


async def filings(runtime: Runtime, user_id: int) -> list[NoteFiling]:
    async with runtime.session_factory() as s:
        query = select(NoteFiling).where(NoteFiling.user_id == user_id).order_by(NoteFiling.id)
        return list((await s.scalars(query)).all())


async def wait_filings(runtime: Runtime, user_id: int, count: int, timeout: float = 10.0) -> list[NoteFiling]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        stored = await filings(runtime, user_id)
        if len(stored) >= count:
            return stored
        await asyncio.sleep(0.05)
    raise AssertionError(f"{count} filed notes expected, found {len(await filings(runtime, user_id))}")


async def items(runtime: Runtime, user_id: int) -> list[Item]:
    async with runtime.session_factory() as s:
        return list((await s.scalars(select(Item).where(Item.user_id == user_id))).all())


async def topics(sandbox: SandboxClient, chat_id: int) -> list[dict[str, Any]]:
    r = await sandbox.http.get(f"/chats/{chat_id}")
    r.raise_for_status()
    result: list[dict[str, Any]] = r.json()["topics"]
    return result


async def topic_created_messages(sandbox: SandboxClient, chat_id: int) -> list[dict[str, Any]]:
    r = await sandbox.http.get(f"/chats/{chat_id}/messages", params={"include_service": "true"})
    r.raise_for_status()
    return [m for m in r.json() if m.get("forum_topic_created")]


async def all_messages(sandbox: SandboxClient, chat_id: int) -> list[dict[str, Any]]:
    """Every message of the chat, deleted ones included (marked ``deleted``)."""
    r = await sandbox.http.get(f"/chats/{chat_id}/messages", params={"include_deleted": "true"})
    r.raise_for_status()
    result: list[dict[str, Any]] = r.json()
    return result


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


async def press(sandbox: SandboxClient, chat_id: int, message: dict[str, Any], label: str) -> str:
    """Press the button reading ``label``; the callback query id."""
    (button,) = [b for b in buttons(message) if b["text"] == label]
    answer = await sandbox.press(chat_id, message["message_id"], button["callback_data"])
    return str(answer["callback_query_id"])


async def callback_answer(sandbox: SandboxClient, query_id: str, timeout: float = 10.0) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        answer: dict[str, Any] = (await sandbox.http.get(f"/callbacks/{query_id}")).json()
        if answer.get("answered"):
            return answer
        await asyncio.sleep(0.05)
    raise AssertionError(f"callback {query_id} was not answered")


class SlowOpenAI(FakeOpenAI):
    """The fake OpenAI server, streaming one word every ``delay`` seconds (as a model generates them)."""

    delay = 0.05

    async def _stream(self, request: web.Request, model: str, text: str, usage: dict[str, int], created: int,
                      include_usage: bool) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)

        async def send(choices: list[dict[str, Any]], **extra: Any) -> None:
            event = {"id": "chatcmpl-slow", "object": "chat.completion.chunk", "created": created, "model": model,
                     "choices": choices, **extra}
            await resp.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())

        for piece in re.findall(r"\S+\s*|\s+", text):
            await send([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
            await asyncio.sleep(self.delay)
        await send([{"index": 0, "delta": {}, "finish_reason": "stop"}])
        if include_usage:
            await send([], usage=usage)
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp
