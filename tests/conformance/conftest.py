"""A strict sandbox (Telegram's rules, no switches) on loopback, where a person already wrote to the bot in a
private chat and two people wrote in a group; an inline query waits for the bot's answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from sandbox.app import create_standalone_app
from tests.support.sandbox import serve

CHAT = 42
GROUP = -1001


@dataclass
class World:
    base: str
    control: httpx.AsyncClient
    source_ids: list[int]  # two messages the person sent in CHAT
    inline_query_id: str


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async with serve(create_standalone_app(None)) as base, \
            httpx.AsyncClient(base_url=f"{base}/sandbox/api") as control:
        ids = []
        for text in ("one", "two"):
            r = await control.post("/messages", json={"chat_id": CHAT, "text": text, "first_name": "Anna"})
            ids.append(r.json()["message_id"])
        for user_id in (7, 8):
            await control.post("/messages", json={"chat_id": GROUP, "user_id": user_id, "text": "hi"})
        yield World(base, control, ids, "")


async def ask_inline(world: World, bot_id: int) -> str:
    r = await world.control.post("/inline_queries", json={"chat_id": CHAT, "query": "milk", "bot_id": bot_id})
    query_id: str = r.json()["inline_query_id"]
    return query_id
