"""Helpers of the documents tests: read a server-sent event stream, set up a chat with a ready document."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from tests.integration.documents.conftest import ready_file


@dataclass
class Event:
    id: int
    event: str
    data: dict[str, Any]


def parse_events(body: str) -> list[Event]:
    events = []
    for chunk in body.split("\n\n"):
        fields: dict[str, str] = {}
        for line in chunk.splitlines():
            if line.startswith(":") or ":" not in line:
                continue
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
        if "event" in fields:
            events.append(Event(int(fields["id"]), fields["event"], json.loads(fields["data"])))
    return events


async def read_stream(client: httpx.AsyncClient, chat_id: int, last_event_id: int | None = None) -> list[Event]:
    headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
    async with client.stream("GET", f"/api/v1/chats/{chat_id}/stream", headers=headers, timeout=30) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        body = (await response.aread()).decode()
    return parse_events(body)


async def chat_with(client: httpx.AsyncClient, data: bytes, name: str = "Устав.pdf") -> tuple[int, dict[str, Any]]:
    """A new chat with one ready document attached: (chat id, the file)."""
    file = await ready_file(client, data, name)
    chat = (await client.post("/api/v1/chats", json={"title": "Договор"})).json()
    response = await client.post(f"/api/v1/chats/{chat['id']}/attachments", json={"file_id": file["id"]})
    assert response.status_code == 201, response.text
    return int(chat["id"]), file


async def ask(client: httpx.AsyncClient, chat_id: int, question: str) -> list[Event]:
    """Send a question and read its answer's whole stream."""
    response = await client.post(f"/api/v1/chats/{chat_id}/messages", json={"content": question})
    assert response.status_code == 201, response.text
    return await read_stream(client, chat_id)


def final_of(events: list[Event]) -> dict[str, Any]:
    assert events and events[-1].event == "llm_final", [(e.event, e.data) for e in events]
    return events[-1].data
