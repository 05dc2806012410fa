"""POST /telegram/webhook with malformed or odd input: a 4xx with {"code", "message"} for what is not a Telegram
update, storage (sanitised) for every update that is one, never a 500."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from core.queue.models import InboxUpdate
from core.runtime import Runtime

SECRET = {"X-Telegram-Bot-Api-Secret-Token": "hook-secret"}


def update(update_id: Any, chat_id: Any = 42, user_id: Any = 42, text: str = "hello",
           first_name: str = "A") -> dict[str, Any]:
    return {"update_id": update_id, "message": {"message_id": 1, "date": 1, "text": text,
            "chat": {"id": chat_id, "type": "private"}, "from": {"id": user_id, "is_bot": False,
                                                                 "first_name": first_name}}}


async def post_raw(client: httpx.AsyncClient, body: bytes) -> httpx.Response:
    return await client.post("/telegram/webhook", content=body,
                             headers={**SECRET, "content-type": "application/json"})


async def stored(runtime: Runtime) -> list[InboxUpdate]:
    async with runtime.session_factory() as s:
        return list((await s.scalars(select(InboxUpdate).order_by(InboxUpdate.id))).all())


NO_CHAT = {"update_id": 5, "message": {"message_id": 1, "date": 1, "text": "x", "from": {"id": 1, "first_name": "A"}}}
MALFORMED = {
    "not JSON": b"{not json",
    "not UTF-8": b"\xff\xfe{",
    "a JSON array": b"[1, 2]",
    "a JSON string": b'"update"',
    "nested too deep": b"[" * 100_000 + b"]" * 100_000,
    "a message without a chat": json.dumps(NO_CHAT).encode(),
    "a message that is a string": json.dumps({"update_id": 6, "message": "hi"}).encode(),
    "a non-numeric chat id": json.dumps(update(7, chat_id="42")).encode(),
    "a chat id beyond int64": json.dumps(update(8, chat_id=2**63)).encode(),
    "a user id beyond int64": json.dumps(update(9, user_id=2**64)).encode(),
    "an update_id beyond int64": json.dumps(update(2**63)).encode(),
    "a boolean update_id": json.dumps(update(True)).encode(),
}


class TestMalformed:
    @pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
    async def test_is_a_400_with_the_error_body_and_nothing_stored(self, client: httpx.AsyncClient,
                                                                   runtime: Runtime, body: bytes) -> None:
        r = await post_raw(client, body)

        assert r.status_code == 400
        assert r.json()["code"] == "ERR_BAD_UPDATE" and r.json()["message"]
        assert await stored(runtime) == []

    async def test_secret_errors_have_the_error_body(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/telegram/webhook", json=update(1), headers={"X-Telegram-Bot-Api-Secret-Token": "x"})
        assert r.status_code == 403 and r.json()["code"] == "ERR_FORBIDDEN"


class TestOddButStorable:
    async def test_nul_and_lone_surrogates_are_stored_sanitised(self, client: httpx.AsyncClient,
                                                                runtime: Runtime) -> None:
        r1 = await post_raw(client, json.dumps(update(1, text="milk\x00bread", first_name="N\x00")).encode())
        r2 = await post_raw(client, json.dumps(update(2, chat_id=43, user_id=43, text="tea\ud800")).encode())

        assert (r1.status_code, r2.status_code) == (200, 200)
        rows = await stored(runtime)
        assert [(r.update_id, r.status) for r in rows] == [(1, "NEW"), (2, "NEW")]
        assert rows[0].payload["message"]["text"] == "milk\ufffdbread"
        assert rows[0].payload["message"]["from"]["first_name"] == "N\ufffd"
        assert rows[1].payload["message"]["text"] == "tea\ufffd"
