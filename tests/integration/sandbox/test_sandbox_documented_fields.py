"""Telegram returns only the documented fields of every object, whatever keys a bot library sends along."""

from __future__ import annotations

from typing import Any

import httpx

# what Telegraf's Markup builds: every button carries "hide": false
TELEGRAF_KEYBOARD = {"inline_keyboard": [[{"text": "Done", "callback_data": "done", "hide": False, "bogus": 1}]],
                     "bogus": 1}
CLEAN_KEYBOARD = {"inline_keyboard": [[{"text": "Done", "callback_data": "done"}]]}


class TestUnknownKeysAreNotEchoed:
    async def test_send_message_result_transcript_and_callback_update_carry_documented_fields_only(
            self, client: httpx.AsyncClient, bot: Any) -> None:
        sent = await bot.ok("sendMessage", chat_id=42, text="Pick", reply_markup=TELEGRAF_KEYBOARD, bogus=1,
                            entities=[{"type": "bold", "offset": 0, "length": 4, "bogus": 1}],
                            link_preview_options={"is_disabled": True, "bogus": 1})
        await client.post("/api/callbacks", json={"chat_id": 42, "message_id": sent["message_id"], "data": "done"})
        transcript = (await client.get("/api/chats/42/messages")).json()
        update = (await bot.ok("getUpdates"))[0]

        assert sent["reply_markup"] == CLEAN_KEYBOARD
        assert sent["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
        assert sent["link_preview_options"] == {"is_disabled": True}
        assert "bogus" not in sent
        assert transcript[0]["reply_markup"] == CLEAN_KEYBOARD
        assert transcript[0]["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
        assert update["callback_query"]["message"]["reply_markup"] == CLEAN_KEYBOARD

    async def test_an_edited_keyboard_and_a_reply_keyboard_are_stored_without_unknown_keys(
            self, client: httpx.AsyncClient, bot: Any) -> None:
        sent = await bot.ok("sendMessage", chat_id=42, text="Pick")
        edited = await bot.ok("editMessageReplyMarkup", chat_id=42, message_id=sent["message_id"],
                              reply_markup=TELEGRAF_KEYBOARD)
        await bot.ok("sendMessage", chat_id=42, text="Menu", reply_markup={
            "keyboard": [[{"text": "Today", "hide": False}]], "resize_keyboard": True, "bogus": 1})
        chat = (await client.get("/api/chats/42")).json()

        assert edited["reply_markup"] == CLEAN_KEYBOARD
        assert (await client.get("/api/chats/42/messages")).json()[0]["reply_markup"] == CLEAN_KEYBOARD
        assert chat["reply_keyboard"] == {"keyboard": [[{"text": "Today"}]], "resize_keyboard": True}

    async def test_method_results_are_normalised_too(self, bot: Any) -> None:
        await bot.ok("setChatMenuButton", menu_button={"type": "commands", "bogus": 1})

        assert await bot.ok("getChatMenuButton") == {"type": "commands"}
