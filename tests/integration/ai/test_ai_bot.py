"""/ai, /key and /usage through the sandbox: keys stored encrypted, the key message deleted, never echoed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.ai import secrets
from core.crypto import SecretBox
from core.users.models import User, UserSecret
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient

KEY = "sk-test-user-key-1234567890abcdef"


class TestKeys:
    async def test_key_is_saved_encrypted_and_its_message_deleted(self, bot_app: BotServices,
                                                                  sandbox: SandboxClient) -> None:
        sent = await sandbox.say(1501, f"/key openai {KEY}", language_code="en")
        await sandbox.wait_for_text(1501, "key (…cdef) is saved encrypted")
        all_messages = await sandbox.messages(1501)
        assert sent["message_id"] not in [m["message_id"] for m in all_messages]  # deleted from the chat
        assert not any(KEY in (m.get("text") or "") for m in all_messages)
        async with bot_app.runtime.session_factory() as s:
            row = await s.scalar(select(UserSecret).where(UserSecret.user_id == 1501))
            assert row is not None and KEY.encode() not in row.ciphertext
            box = SecretBox.from_settings(bot_app.runtime.settings)
            assert await secrets.get_api_key(s, box, 1501, "openai") == KEY

    async def test_card_shows_the_users_key_and_delete_button_forgets_it(self, bot_app: BotServices,
                                                                         sandbox: SandboxClient) -> None:
        await sandbox.say(1502, f"/key gemini {KEY}", language_code="en")
        await sandbox.wait_for_text(1502, "saved encrypted")
        await sandbox.say(1502, "/ai")
        card = await sandbox.wait_for_text(1502, "Your own keys: Gemini")
        buttons = [b for row in card["reply_markup"]["inline_keyboard"] for b in row]
        forget = next(b for b in buttons if b["text"] == "Delete my keys")
        await sandbox.press(1502, card["message_id"], forget["callback_data"])
        await sandbox.wait_for(1502, lambda ms: any("Your own keys: none" in (m["text"] or "") for m in ms))

    async def test_an_invalid_key_is_refused_and_still_deleted(self, bot_app: BotServices,
                                                               sandbox: SandboxClient) -> None:
        """The error boundary answers a refused key; the message holding it is gone all the same."""
        sent = await sandbox.say(1504, "/key openai " + "x" * 600, language_code="en")
        await sandbox.wait_for_text(1504, "That does not look like an API key")
        assert sent["message_id"] not in [m["message_id"] for m in await sandbox.messages(1504)]

    async def test_deleting_the_key_of_a_provider_without_keys_says_there_is_none(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(1505, "/key delete local", language_code="en")
        await sandbox.wait_for_text(1505, "There was no such key.")

    async def test_bad_usage_is_explained(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(1503, "/key", language_code="ru")
        await sandbox.wait_for_text(1503, "Использование: /key openai")


async def press_on_ai_card(sandbox: SandboxClient, chat_id: int, shows: str, button: str) -> dict[str, Any]:
    """/ai, then press ``button`` on the card (which shows ``shows``); how the bot answered the press."""
    await sandbox.say(chat_id, "/ai", language_code="en")
    card = await sandbox.wait_for_text(chat_id, shows)
    buttons = [b for row in card["reply_markup"]["inline_keyboard"] for b in row]
    pressed = next(b for b in buttons if b["text"] == button)
    sent = await sandbox.press(chat_id, card["message_id"], pressed["callback_data"])
    return await sandbox.callback_answer(sent["callback_query_id"])


class TestProviderChoice:
    async def test_pressing_a_provider_saves_it(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await press_on_ai_card(sandbox, 1504, "AI: offline", "Speech: OpenAI")
        await sandbox.wait_for(1504, lambda ms: any(m["edited"] for m in ms))
        async with bot_app.runtime.session_factory() as s:
            assert (await s.get(User, 1504)).stt_provider == "openai"  # type: ignore[union-attr]


class TestProviderWithoutKey:
    async def test_gemini_without_a_key_is_not_just_saved(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        answer = await press_on_ai_card(sandbox, 1505, "AI: offline", "AI: Gemini")
        assert answer["text"] == ("Saved, but Gemini needs a key: send /key gemini <key>. "
                                  "Until then: offline (heuristics, no key needed).")
        assert answer["show_alert"]
        edited = await sandbox.wait_for(1505, lambda ms: any(m["edited"] for m in ms))
        assert "AI: offline (heuristics, no key needed)" in edited[-1]["text"]

    async def test_gemini_with_the_users_key_is_saved(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(1506, f"/key gemini {KEY}", language_code="en")
        await sandbox.wait_for_text(1506, "is saved encrypted")
        assert (await press_on_ai_card(sandbox, 1506, "AI: Gemini", "AI: Gemini"))["text"] == "Saved."


class TestUsage:
    async def test_empty_usage(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(1505, "/usage", language_code="en")
        await sandbox.wait_for_text(1505, "No AI usage yet.")
