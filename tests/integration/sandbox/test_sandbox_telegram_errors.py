"""A strict sandbox (no switches) answers what Telegram answers, word for word (tests/conformance/telegram_texts.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sandbox import create_sandbox_app
from tests.conformance import telegram_texts as tg

TOKEN = "777:STRICT-token"


@pytest.fixture
async def strict() -> AsyncIterator[httpx.AsyncClient]:
    app = create_sandbox_app(callback_timeout=0.2)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as client:
        await client.post(f"/bot{TOKEN}/getMe")
        await client.post("/api/messages", json={"chat_id": 42, "text": "/start"})  # user 42 wrote to the bot
        yield client
    await app.state.sandbox.aclose()


async def call(client: httpx.AsyncClient, method: str, token: str = TOKEN, **params: Any) -> tuple[int, Any]:
    response = await client.post(f"/bot{token}/{method}", json=params)
    body = response.json()
    return response.status_code, body.get("description", body.get("result"))


class TestTelegramsErrorTexts:
    @pytest.mark.parametrize("token", ["abc", "0:AAAA", "123", "12:"])
    async def test_a_malformed_token(self, strict: httpx.AsyncClient, token: str) -> None:
        assert await call(strict, "getMe", token=token) == tg.INVALID_TOKEN

    async def test_editing_a_text_over_4096_characters(self, strict: httpx.AsyncClient) -> None:
        _, sent = await call(strict, "sendMessage", chat_id=42, text="short")

        assert await call(strict, "editMessageText", chat_id=42, message_id=sent["message_id"],
                          text="x" * 4097) == tg.EDIT_TOO_LONG
        assert await call(strict, "sendMessage", chat_id=42, text="x" * 4097) == tg.TEXT_TOO_LONG

    async def test_an_unknown_parse_mode(self, strict: httpx.AsyncClient) -> None:
        assert await call(strict, "sendMessage", chat_id=42, text="[b]hi[/b]",
                          parse_mode="BBCode") == tg.UNSUPPORTED_PARSE_MODE

    async def test_a_reply_markup_that_is_not_json(self, strict: httpx.AsyncClient) -> None:
        form = await strict.post(f"/bot{TOKEN}/sendMessage",
                                 data={"chat_id": "42", "text": "hi", "reply_markup": "{not json"})

        assert (form.status_code, form.json()["description"]) == tg.BAD_REPLY_MARKUP
        assert await call(strict, "sendMessage", chat_id=42, text="hi", reply_markup=[1]) == tg.BAD_REPLY_MARKUP

    async def test_answering_a_callback_query_too_late(self, strict: httpx.AsyncClient) -> None:
        _, sent = await call(strict, "sendMessage", chat_id=42, text="pick", reply_markup={
            "inline_keyboard": [[{"text": "a", "callback_data": "a"}]]})
        late = (await strict.post("/api/callbacks", json={"chat_id": 42, "message_id": sent["message_id"],
                                                          "data": "a"})).json()["callback_query_id"]
        in_time = (await strict.post("/api/callbacks", json={"chat_id": 42, "message_id": sent["message_id"],
                                                             "data": "a"})).json()["callback_query_id"]

        assert await call(strict, "answerCallbackQuery", callback_query_id=in_time) == (200, True)
        await asyncio.sleep(0.3)
        assert await call(strict, "answerCallbackQuery", callback_query_id=late) == tg.QUERY_TOO_OLD

    async def test_the_callback_timeout_is_fifteen_seconds_unless_configured(self) -> None:
        app = create_sandbox_app()

        assert app.state.sandbox.options.callback_timeout == 15.0

    @pytest.mark.parametrize(("url", "expected"), [
        ("http://bot.example.com/hook", tg.WEBHOOK_NOT_HTTPS),
        ("https://bot.example.com:8080/hook", tg.WEBHOOK_PORT),
        ("https://127.0.0.1/hook", tg.WEBHOOK_RESERVED_IP),
        ("https://localhost:8443/hook", tg.WEBHOOK_RESERVED_IP),
    ])
    async def test_a_webhook_url_telegram_would_refuse(self, strict: httpx.AsyncClient, url: str,
                                                       expected: tuple[int, str]) -> None:
        assert await call(strict, "setWebhook", url=url) == expected
        assert (await call(strict, "getWebhookInfo"))[1]["url"] == ""

    async def test_a_local_webhook_is_accepted_with_the_local_webhook_switch(self) -> None:
        app = create_sandbox_app(local_webhooks=True)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as client:
            answer = await call(client, "setWebhook", url="http://127.0.0.1:9/hook")
            await call(client, "deleteWebhook")
        await app.state.sandbox.aclose()

        assert answer == (200, "Webhook was set")

    async def test_a_user_who_never_wrote_to_the_bot(self, strict: httpx.AsyncClient) -> None:
        assert await call(strict, "sendMessage", chat_id=43, text="hi") == tg.CHAT_NOT_FOUND
        assert await call(strict, "getChat", chat_id=43) == tg.CHAT_NOT_FOUND
        assert await call(strict, "sendChatAction", chat_id=43, action="typing") == tg.CHAT_NOT_FOUND
        assert (await call(strict, "sendMessage", chat_id=42, text="hi"))[0] == 200
        assert (await call(strict, "sendMessage", chat_id=-100500, text="hi"))[0] == 200  # groups are open

    async def test_the_open_chats_switch_lets_a_bot_write_first(self, strict: httpx.AsyncClient) -> None:
        await strict.post("/api/config", json={"open_chats": True})

        assert (await call(strict, "sendMessage", chat_id=43, text="hi"))[0] == 200

    async def test_a_person_cannot_send_more_than_4096_characters(self, strict: httpx.AsyncClient) -> None:
        response = await strict.post("/api/messages", json={"chat_id": 42, "text": "x" * 4097})

        assert response.status_code == 400
