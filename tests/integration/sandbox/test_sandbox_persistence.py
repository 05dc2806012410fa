"""With a state file, the sandbox outlives a restart: chats, unconfirmed updates, files, webhooks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from sandbox import create_sandbox_app

TOKEN = "555:persist-token"


@asynccontextmanager
async def running(state_file: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_sandbox_app(state_file, open_chats=True, local_webhooks=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as client:
        yield client
    await app.state.sandbox.aclose()


async def call(client: httpx.AsyncClient, method: str, **params: object) -> dict:
    return (await client.post(f"/bot{TOKEN}/{method}", json=params)).json()


class TestRestart:
    async def test_state_survives_a_new_app_on_the_same_file(self, tmp_path: Path) -> None:
        state_file = tmp_path / "sandbox.sqlite3"
        async with running(state_file) as client:
            await call(client, "getMe")
            first = (await client.post("/api/messages", json={"chat_id": 42, "text": "confirmed"})).json()
            await call(client, "getUpdates", offset=first["update_id"] + 1)
            pending = (await client.post("/api/messages", json={"chat_id": 42, "text": "still pending"})).json()
            await client.post("/api/voice", data={"chat_id": "42"}, files={"file": ("v.ogg", b"OggS-voice")})
            sent = (await call(client, "sendMessage", chat_id=42, text="bot reply",
                               reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}))["result"]
            await call(client, "createForumTopic", chat_id=-7, name="Ideas")

        async with running(state_file) as client:
            updates = (await call(client, "getUpdates"))["result"]
            shown = (await client.get("/api/chats/42/messages")).json()
            voice = updates[-1]["message"]["voice"]
            info = (await call(client, "getFile", file_id=voice["file_id"]))["result"]
            content = (await client.get(f"/file/bot{TOKEN}/{info['file_path']}")).content
            edited = await call(client, "editMessageText", chat_id=42, message_id=sent["message_id"], text="edited")
            chat = (await call(client, "getChat", chat_id=-7))["result"]
            later = (await client.post("/api/messages", json={"chat_id": 42, "text": "after restart"})).json()

        assert [u["update_id"] for u in updates][0] == pending["update_id"]
        assert [u.get("message", {}).get("text") for u in updates] == ["still pending", None]
        assert [m["text"] for m in shown] == ["confirmed", "still pending", None, "bot reply"]
        assert shown[-1]["reply_markup"] == {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        assert content == b"OggS-voice"
        assert edited["ok"] is True
        assert chat["is_forum"] is True
        assert later["update_id"] > updates[-1]["update_id"]
        assert later["message_id"] > sent["message_id"]

    async def test_a_webhook_setting_survives_a_restart(self, tmp_path: Path) -> None:
        state_file = tmp_path / "sandbox.sqlite3"
        async with running(state_file) as client:
            await call(client, "setWebhook", url="http://127.0.0.1:9/hook", secret_token="s3cret")

        async with running(state_file) as client:
            info = (await call(client, "getWebhookInfo"))["result"]

        assert info["url"] == "http://127.0.0.1:9/hook"
