"""A real aiogram Bot against the standalone sandbox served by uvicorn on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.filters import CommandStart
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message

from sandbox import create_standalone_app

TOKEN = "987654321:AIOGRAM-sandbox-token"


@pytest.fixture
async def base(serve, tmp_path: Path) -> AsyncIterator[str]:
    async with serve(create_standalone_app(tmp_path / "sandbox.sqlite3", open_chats=True)) as url:
        yield url


@pytest.fixture
async def tg(base: str) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    yield bot
    await bot.session.close()


class TestAiogramBot:
    async def test_a_conversation_round_trip(self, base: str, tg: Bot) -> None:
        me = await tg.get_me()
        async with httpx.AsyncClient(base_url=f"{base}/sandbox/api") as control:
            await control.post("/messages", json={"chat_id": 42, "text": "/start"})
            await control.post("/voice", data={"chat_id": "42"}, files={"file": ("v.ogg", b"OggS-voice-bytes")})

            updates = await tg.get_updates(timeout=1)
            keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Done", callback_data="d")]])
            sent = await tg.send_message(42, "<b>Welcome</b>", parse_mode="HTML", reply_markup=keyboard)
            edited = await tg.edit_message_text("Welcome back", chat_id=42, message_id=sent.message_id,
                                                reply_markup=keyboard)
            voice = updates[1].message.voice if updates[1].message else None
            assert voice is not None
            downloaded = await tg.download(voice.file_id)
            shown = (await control.get("/chats/42/messages")).json()

        assert (me.id, me.username) == (987654321, "secretary_sandbox_bot")
        assert updates[0].message is not None and updates[0].message.text == "/start"
        assert sent.text == "Welcome" and sent.html_text == "<b>Welcome</b>"
        assert isinstance(edited, type(sent)) and edited.text == "Welcome back"
        assert downloaded is not None and downloaded.read() == b"OggS-voice-bytes"
        assert [(m["from_bot"], m["text"], m["edited"]) for m in shown] == [
            (False, "/start", False), (False, None, False), (True, "Welcome back", True)]
        assert shown[-1]["reply_markup"] == {"inline_keyboard": [[{"text": "Done", "callback_data": "d"}]]}

    async def test_offsets_through_aiogram_confirm_updates(self, base: str, tg: Bot) -> None:
        await tg.get_me()
        async with httpx.AsyncClient(base_url=f"{base}/sandbox/api") as control:
            await control.post("/messages", json={"chat_id": 42, "text": "one"})
            first = await tg.get_updates()
            second = await tg.get_updates(offset=first[-1].update_id + 1, timeout=0)

        assert [u.message.text for u in first if u.message] == ["one"]
        assert second == []

    async def test_uploads_errors_and_429_surface_as_aiogram_exceptions(self, base: str, tg: Bot) -> None:
        document = await tg.send_document(42, BufferedInputFile(b"report", filename="report.txt"))
        with pytest.raises(TelegramBadRequest, match="message to edit not found"):
            await tg.edit_message_text("x", chat_id=42, message_id=999999)
        async with httpx.AsyncClient(base_url=f"{base}/sandbox/api") as control:
            await control.post("/config", json={"fail_next": 1, "retry_after": 2})
        with pytest.raises(TelegramRetryAfter) as retry:
            await tg.send_message(42, "too fast")

        assert document.document is not None and document.document.file_name == "report.txt"
        assert retry.value.retry_after == 2

    async def test_the_standalone_server_answers_under_both_prefixes(self, base: str) -> None:
        async with httpx.AsyncClient(base_url=base) as client:
            root = await client.get(f"/bot{TOKEN}/getMe")
            prefixed = await client.get(f"/sandbox/bot{TOKEN}/getMe")
            page = await client.get("/sandbox", follow_redirects=True)

        assert root.json()["result"]["id"] == prefixed.json()["result"]["id"] == 987654321
        assert page.status_code == 200 and "Telegram sandbox" in page.text


class TestPolling:
    async def test_an_aiogram_dispatcher_polls_and_answers(self, base: str, tg: Bot) -> None:
        dp = Dispatcher()

        @dp.message(CommandStart())
        async def start(message: Message) -> None:
            await message.answer(f"Hello, {message.from_user.first_name if message.from_user else 'you'}!")

        polling = asyncio.create_task(dp.start_polling(tg, handle_signals=False, polling_timeout=5))
        async with httpx.AsyncClient(base_url=f"{base}/sandbox/api") as control:
            await control.post("/messages", json={"chat_id": 42, "text": "/start", "first_name": "Anna"})
            for _ in range(100):
                shown = (await control.get("/chats/42/messages")).json()
                if len(shown) == 2:
                    break
                await asyncio.sleep(0.05)
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)

        assert [(m["from_bot"], m["text"]) for m in shown] == [(False, "/start"), (True, "Hello, Anna!")]

    async def test_an_abandoned_long_poll_ends_when_its_client_goes_away(self, serve) -> None:
        app = create_standalone_app(None)
        async with serve(app, graceful_timeout=None) as url:  # uvicorn waits for every open request
            async with httpx.AsyncClient(base_url=url) as client:
                with pytest.raises(httpx.ReadTimeout):  # the client gives up reading (connecting may take longer)
                    await client.get(f"/bot{TOKEN}/getUpdates", params={"timeout": 30},
                                     timeout=httpx.Timeout(0.3, connect=10.0))
            started = time.monotonic()
        assert time.monotonic() - started < 2  # the server did not wait 30 s for the poll to finish
