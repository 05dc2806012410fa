"""GET /api/v1/entries/stream: an open Mini App hears of the entries its user saves elsewhere (the chat), as
server-sent events, only its own, and picks up what it missed when it reconnects with Last-Event-ID."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from journal_helpers import SignIn, create

from core.db.base import utcnow
from core.journal import service
from core.journal.schemas import EntryIn
from core.runtime import Runtime
from core.users.models import User
from webapp.api.v1 import journal_stream

ALICE, BOB = 6201, 6202


@dataclass
class Event:
    id: str | None
    event: str
    data: Any


def parse(text: str) -> list[Event]:
    events = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            fields[name] = value
        if "event" in fields:
            events.append(Event(fields.get("id"), fields["event"], json.loads(fields["data"])))
    return events


async def read(api: httpx.AsyncClient, headers: dict[str, str], *, seconds: float = 1.5,
               last_event_id: int | None = None) -> list[Event]:
    if last_event_id is not None:
        headers = {**headers, "Last-Event-ID": str(last_event_id)}
    async with api.stream("GET", "/api/v1/entries/stream", params={"seconds": seconds}, headers=headers,
                          timeout=30) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return parse((await response.aread()).decode())


async def save_from_chat(runtime: Runtime, user_id: int, title: str) -> int:
    """What the chat's Save button does: an entry made by the service in its own unit of work."""
    async with runtime.unit_of_work() as session:
        user = await session.get(User, user_id)
        assert user is not None
        entry = await service.create(session, user, EntryIn(action="bought", object="drink", title=title),
                                     now=utcnow(), source="chat")
        return entry.id


@pytest.fixture(autouse=True)
def fast_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal_stream, "POLL_SECONDS", 0.05)


class TestEntriesStream:
    async def test_entries_saved_while_it_is_open_arrive_in_order_and_only_the_users_own(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice, bob = await sign_in(ALICE), await sign_in(BOB)
        before = await create(api, alice, title="before the stream")

        async def writer() -> list[int]:
            await asyncio.sleep(0.4)
            first = await save_from_chat(runtime, ALICE, "латте")
            await save_from_chat(runtime, BOB, "bob's tea")
            second = (await create(api, alice, title="from another window", amount=90))["id"]
            return [first, second]

        events, saved = await asyncio.gather(read(api, alice), writer())
        assert events[0].event == "ready" and events[0].data == {"after": before["id"]}
        entries = [e for e in events if e.event == "entry"]
        assert [e.data["id"] for e in entries] == saved
        assert [e.id for e in entries] == [str(i) for i in saved]
        assert [(e.data["title"], e.data["source"]) for e in entries] == [("латте", "chat"),
                                                                         ("from another window", "app")]
        assert entries[1].data["amount"] == 90 and entries[1].data["number"] == 3
        bobs = [e for e in await read(api, bob, seconds=1, last_event_id=0) if e.event == "entry"]
        assert [e.data["title"] for e in bobs] == ["bob's tea"]

    async def test_a_reconnect_gets_what_was_saved_after_its_last_event_but_not_the_deleted(
            self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice = await sign_in(ALICE)
        first, second, gone, third = [(await create(api, alice, title=t))["id"] for t in ("one", "two", "x", "three")]
        assert (await api.delete(f"/api/v1/entries/{gone}", headers=alice)).status_code == 204
        resumed = await read(api, alice, seconds=1, last_event_id=first)
        assert [e.data["title"] for e in resumed if e.event == "entry"] == ["two", "three"]
        r = await api.get("/api/v1/entries/stream", params={"after": second, "seconds": 1}, headers=alice)
        assert [e.data["id"] for e in parse(r.text) if e.event == "entry"] == [third]
        quiet = await read(api, alice, seconds=1)  # no Last-Event-ID: only what is saved from now on
        assert [e.event for e in quiet] == ["ready"]

    async def test_it_needs_a_signed_in_user_and_sane_parameters(self, api: httpx.AsyncClient,
                                                                  sign_in: SignIn) -> None:
        r = await api.get("/api/v1/entries/stream")
        assert r.status_code == 401 and r.json()["code"].startswith("ERR_")
        alice = await sign_in(ALICE)
        for params in ({"seconds": 0}, {"seconds": "forever"}, {"after": -1}, {"after": 2**64}):
            r = await api.get("/api/v1/entries/stream", params=params, headers=alice)
            assert r.status_code == 422 and r.json()["code"] == "ERR_VALIDATION", params
        r = await api.get("/api/v1/entries/stream", params={"seconds": 1},
                          headers={**alice, "Last-Event-ID": "not a number"})
        assert r.status_code == 200 and [e.event for e in parse(r.text)] == ["ready"]
