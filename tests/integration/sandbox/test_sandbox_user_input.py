"""What a person may type in the sandbox is what Telegram lets them send: at most 4096 characters (UTF-16 units)."""

from __future__ import annotations

from typing import Any

import httpx


class TestUserTextLength:
    async def test_a_text_over_4096_characters_is_refused_with_a_clear_400(self, client: httpx.AsyncClient,
                                                                           bot: Any) -> None:
        r = await client.post("/api/messages", json={"chat_id": 42, "text": "x" * 4097})

        assert r.status_code == 400
        assert r.json() == {"detail": "message text is too long (at most 4096 characters)"}
        assert (await bot.ok("getUpdates")) == []  # nothing reached the bot

    async def test_characters_outside_the_bmp_count_twice_like_telegram(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/api/messages", json={"chat_id": 42, "text": "😀" * 2049})  # 4098 UTF-16 units
        assert r.status_code == 400

    async def test_exactly_4096_characters_are_delivered(self, client: httpx.AsyncClient, bot: Any) -> None:
        r = await client.post("/api/messages", json={"chat_id": 42, "text": "x" * 4096})

        assert r.status_code == 200
        (update,) = await bot.ok("getUpdates")
        assert update["message"]["text"] == "x" * 4096
