"""The first slice of the bot through the sandbox: /start, /help, notes with #ID, /settings, /status."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from core.items.models import Item
from core.users.models import User
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


class TestStart:
    async def test_start_greets_in_the_users_language(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(501, "/start", language_code="en", first_name="Ann")
        msg = await sandbox.wait_for_text(501, "Hi, Ann!")
        assert "/help" in msg["text"]
        await sandbox.say(502, "/start", language_code="ru", first_name="Иван")
        await sandbox.wait_for_text(502, "Привет, Иван!")

    async def test_help_lists_commands(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(503, "/help", language_code="en")
        msg = await sandbox.wait_for_text(503, "What I can do")
        assert "/settings" in msg["text"] and "/status" in msg["text"]


class TestNotes:
    async def test_each_note_is_saved_and_named_by_its_number(self, bot_app: BotServices, sandbox: SandboxClient
                                                             ) -> None:
        for text in ("мысль про отпуск", "цитата дня", "idea: a better bot"):  # plain notes (no task words)
            await sandbox.say(600, text, language_code="ru")
        msgs = await sandbox.wait_for(600, lambda ms: len(ms) >= 3)
        assert [m["text"] for m in msgs] == [f"Сохранил как заметку #{n}." for n in (1, 2, 3)]
        async with bot_app.runtime.session_factory() as s:
            titles = (await s.scalars(select(Item.title).where(Item.user_id == 600).order_by(Item.number))).all()
        assert titles == ["мысль про отпуск", "цитата дня", "idea: a better bot"]

    async def test_numbers_are_per_user(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(701, "first of 701", language_code="en")
        await sandbox.say(702, "first of 702", language_code="en")
        await sandbox.wait_for_text(701, "#1")
        await sandbox.wait_for_text(702, "#1")


class TestSettings:
    async def test_language_button_switches_and_edits_the_card(self, bot_app: BotServices, sandbox: SandboxClient
                                                              ) -> None:
        await sandbox.say(801, "/settings", language_code="ru")
        card = await sandbox.wait_for_text(801, "Настройки")
        buttons = [b for row in card["reply_markup"]["inline_keyboard"] for b in row]
        english = next(b for b in buttons if b["text"].endswith("English"))
        await sandbox.press(801, card["message_id"], english["callback_data"])
        await sandbox.wait_for(801, lambda ms: any("Settings" in (m["text"] or "") and m["edited"] for m in ms))
        async with bot_app.runtime.session_factory() as s:
            assert (await s.get(User, 801)).language == "en"  # type: ignore[union-attr]
        await sandbox.say(801, "a note", language_code="ru")
        await sandbox.wait_for_text(801, "Saved as note #1.")

    async def test_tz_command_validates(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(802, "/tz Mars/Olympus", language_code="en")
        await sandbox.wait_for_text(802, "I don't know the time zone")
        await sandbox.say(802, "/tz Asia/Almaty", language_code="en")
        await sandbox.wait_for_text(802, "Time zone: Asia/Almaty.")


class TestStatus:
    async def test_status_counts_items(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(901, "one", language_code="en")
        await sandbox.say(901, "two", language_code="en")
        await sandbox.wait_for_text(901, "#2")
        await sandbox.say(901, "/status", language_code="en")
        msg = await sandbox.wait_for_text(901, "Status")
        assert re.search(r"Items: 2 \(2 in the inbox", msg["text"])
        async with bot_app.runtime.session_factory() as s:
            assert await s.scalar(select(func.count()).select_from(Item)) == 2


class TestCommandMenu:
    async def test_a_user_of_any_language_sees_the_english_menu_and_ru_the_russian(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(701, "/help", language_code="de")  # a language the bot has no menu in
        await sandbox.wait_for_text(701, "/settings")  # polling runs: the menus were set before
        chat = (await sandbox.http.get("/chats/701")).json()
        menu = {c["command"]: c["description"] for c in chat["commands"]}  # the language-neutral list
        assert menu["today"] == "Today's agenda" and menu["help"] == "What I can do"
        russian = await bot_app.bot.get_my_commands(language_code="ru")
        assert {c.command: c.description for c in russian}["today"] == "Что сегодня"
