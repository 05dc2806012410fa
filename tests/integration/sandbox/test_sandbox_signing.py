"""The sandbox that `secretary` mounts signs Mini App launch data only with a sandbox token, never a real one: the web
app trusts whatever the bot's token signs, so signing with a real token would let anyone sign in as anyone."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from aiogram.utils.web_app import safe_parse_webapp_init_data

from core.config import Settings
from secretary.web import build_sandbox

REAL_LOOKING_TOKEN = "7364829105:AAHf3kLq9ZxP0vN2mWc8RtYb4sJ6uE1dGhI"  # the shape @BotFather gives
Connect = Callable[[Settings], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def connect() -> Connect:
    @asynccontextmanager
    async def connect(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
        """The sandbox `secretary run` would mount for `settings`, with the bot (its token) connected."""
        app = build_sandbox(settings)
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as c:
                assert (await c.post(f"/bot{settings.bot_token}/getMe")).json()["ok"]
                yield c
        finally:
            await app.state.sandbox.aclose()

    return connect


class TestInitDataSigning:
    async def test_refused_when_the_bot_uses_a_real_token(
        self, settings: Settings, connect: Connect, capfd: pytest.CaptureFixture[str],
    ) -> None:
        settings = settings.model_copy(update={"telegram_bot_token": REAL_LOOKING_TOKEN, "sandbox": True})
        async with connect(settings) as client:
            response = await client.get("/api/webapp_init_data", params={"chat_id": 42, "user_id": 1})

        assert response.status_code == 403
        assert "sandbox token" in response.json()["detail"]
        assert "init_data" not in response.text
        assert "sandbox.initdata_signing_off" in capfd.readouterr().err  # said at start

    @pytest.mark.parametrize("token", ["", "123456789:SANDBOX-dev"])
    async def test_signed_with_a_sandbox_token(self, settings: Settings, connect: Connect, token: str) -> None:
        settings = settings.model_copy(update={"telegram_bot_token": token, "sandbox": True})
        async with connect(settings) as client:
            response = await client.get("/api/webapp_init_data", params={"chat_id": 42, "first_name": "Anna"})

        assert response.status_code == 200
        parsed = safe_parse_webapp_init_data(settings.bot_token, response.json()["init_data"])
        assert parsed.user is not None and parsed.user.id == 42
