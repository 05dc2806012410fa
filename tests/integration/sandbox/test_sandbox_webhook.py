"""Webhook delivery over real HTTP: secret header, retries until 2xx, replies in the webhook answer."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


class Receiver:
    """A tiny webhook endpoint: records what arrives; fails the first `fail_first` deliveries with 500."""

    def __init__(self, fail_first: int = 0, reply: dict[str, Any] | None = None) -> None:
        self.fail_first = fail_first
        self.reply = reply
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.arrived = asyncio.Event()
        self.app = Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        if self.fail_first > 0:
            self.fail_first -= 1
            return Response(status_code=500)
        self.received.append((await request.json(), request.headers.get("x-telegram-bot-api-secret-token")))
        self.arrived.set()
        return JSONResponse(self.reply) if self.reply else Response()


async def wait_for(receiver: Receiver, count: int) -> None:
    async def enough() -> None:
        while len(receiver.received) < count:
            receiver.arrived.clear()
            await receiver.arrived.wait()

    await asyncio.wait_for(enough(), 5)


async def drained(bot) -> dict[str, Any]:
    """getWebhookInfo once the sandbox has seen the last delivery acknowledged (or after a second)."""
    for _ in range(50):
        info: dict[str, Any] = await bot.ok("getWebhookInfo")
        if info["pending_update_count"] == 0:
            break
        await asyncio.sleep(0.02)
    return info


class TestWebhookDelivery:
    async def test_updates_are_posted_in_order_with_the_secret_header(self, serve, bot, say) -> None:
        receiver = Receiver()
        async with serve(receiver.app) as base:
            assert (await bot("setWebhook", url=f"{base}/hook", secret_token="s3cret")) == {
                "ok": True, "result": True, "description": "Webhook was set"}
            first, second = await say("one"), await say("two")
            await wait_for(receiver, 2)

            info = await drained(bot)

        assert [(u["update_id"], u["message"]["text"]) for u, _ in receiver.received] == [
            (first["update_id"], "one"), (second["update_id"], "two")]
        assert {secret for _, secret in receiver.received} == {"s3cret"}
        assert (info["url"], info["pending_update_count"]) == (f"{base}/hook", 0)

    async def test_a_failing_endpoint_is_retried_until_it_answers_2xx(self, serve, bot, say) -> None:
        receiver = Receiver(fail_first=2)
        async with serve(receiver.app) as base:
            await bot.ok("setWebhook", url=f"{base}/hook")
            sent = await say("persistent")
            await wait_for(receiver, 1)
            info = await drained(bot)

        assert [u["update_id"] for u, _ in receiver.received] == [sent["update_id"]]
        assert info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"

    async def test_updates_wait_while_the_endpoint_is_down(self, bot, say) -> None:
        await bot.ok("setWebhook", url="http://127.0.0.1:9/hook")
        await say("queued")
        await asyncio.sleep(0.3)

        info = await bot.ok("getWebhookInfo")

        assert info["pending_update_count"] == 1
        assert info["last_error_message"] == "Connection refused"

    async def test_delete_webhook_can_drop_pending_updates_and_polling_resumes(self, bot, say) -> None:
        await bot.ok("setWebhook", url="http://127.0.0.1:9/hook")
        await say("dropped")

        await bot.ok("deleteWebhook", drop_pending_updates=True)
        await say("kept")

        assert [u["message"]["text"] for u in await bot.ok("getUpdates")] == ["kept"]

    async def test_a_method_in_the_webhook_answer_is_executed(self, client, serve, bot, say) -> None:
        receiver = Receiver(reply={"method": "sendMessage", "chat_id": 42, "text": "answered inline"})
        async with serve(receiver.app) as base:
            await bot.ok("setWebhook", url=f"{base}/hook")
            await say("ping")
            await wait_for(receiver, 1)
            for _ in range(50):
                shown = (await client.get("/api/chats/42/messages")).json()
                if len(shown) == 2:
                    break
                await asyncio.sleep(0.02)

        assert [(m["from_bot"], m["text"]) for m in shown] == [(False, "ping"), (True, "answered inline")]
