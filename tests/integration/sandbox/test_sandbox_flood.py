"""Flood limits: 429 with retry_after once limits are on, forced failures, and the counters."""

from __future__ import annotations

import httpx

from sandbox import create_sandbox_app


async def stats(client) -> dict:
    return (await client.get("/api/stats")).json()


class TestFloodLimits:
    async def test_off_by_default(self, bot) -> None:
        for i in range(40):
            assert (await bot("sendMessage", chat_id=42, text=f"m{i}"))["ok"]

    async def test_a_chat_over_its_rate_gets_429_with_retry_after(self, client, bot) -> None:
        await client.post("/api/config", json={"flood_limits": True, "per_chat_per_sec": 1, "per_chat_burst": 1})

        first = await bot("sendMessage", chat_id=42, text="one")
        second = await bot("sendMessage", chat_id=42, text="two")
        other_chat = await bot("sendMessage", chat_id=43, text="elsewhere")

        assert first["ok"] and other_chat["ok"]
        assert second == {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                          "parameters": {"retry_after": 1}}
        counted = await stats(client)
        assert (counted["sent_messages"], counted["too_many_requests"]) == (2, 1)
        assert counted["per_chat"]["42"] == {"sent": 1, "too_many_requests": 1}

    async def test_a_group_is_limited_per_minute(self, client, bot) -> None:
        await client.post("/api/config", json={"flood_limits": True, "per_chat_per_sec": 100, "per_chat_burst": 100,
                                               "group_per_min": 3})

        answers = [await bot("sendMessage", chat_id=-100, text=f"m{i}") for i in range(4)]

        assert [a["ok"] for a in answers] == [True, True, True, False]
        assert answers[-1]["parameters"]["retry_after"] == 20

    async def test_the_global_rate_applies_across_chats(self) -> None:
        app = create_sandbox_app(flood_limits=True, open_chats=True)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as client:
            await client.post("/api/config", json={"global_per_sec": 2})
            answers = [(await client.post("/bot1:t/sendMessage", json={"chat_id": i, "text": "x"})).status_code
                       for i in range(1, 4)]
        await app.state.sandbox.aclose()

        assert answers == [200, 200, 429]

    async def test_fail_next_forces_429s_on_sending_calls_only(self, client, bot) -> None:
        await client.post("/api/config", json={"fail_next": 2, "retry_after": 3})

        assert (await bot("getMe"))["ok"]
        forced = [await bot("sendMessage", chat_id=42, text="x") for _ in range(3)]

        assert [a.get("parameters") for a in forced] == [{"retry_after": 3}, {"retry_after": 3}, None]
        assert (await stats(client))["too_many_requests"] == 2

    async def test_a_reset_restores_the_configured_limits(self, client, bot) -> None:
        await client.post("/api/config", json={"flood_limits": True, "per_chat_burst": 1, "fail_next": 5})

        await client.post("/api/reset")

        assert [(await bot("sendMessage", chat_id=42, text="x"))["ok"] for _ in range(3)] == [True] * 3
        assert (await client.get("/api/config")).json()["flood_limits"] is False
