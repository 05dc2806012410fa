"""Sending, editing, deleting and pressing buttons, with Telegram's answers and error descriptions."""

from __future__ import annotations

import json

from aiogram.types import ChatFullInfo, Message

from sandbox.errors import NOT_MODIFIED, QUERY_TOO_OLD

KEYBOARD = {"inline_keyboard": [[{"text": "Done", "callback_data": "done:1"},
                                 {"text": "Open", "web_app": {"url": "https://app.example/webapp"}}]]}


def bad_request(detail: str) -> dict[str, object]:
    return {"ok": False, "error_code": 400, "description": f"Bad Request: {detail}"}


async def messages(client, chat_id: int = 42, **params: object) -> list[dict]:
    response = await client.get(f"/api/chats/{chat_id}/messages", params=params)
    assert response.status_code == 200
    return response.json()


class TestSendMessage:
    async def test_the_returned_message_is_what_aiogram_expects_and_the_chat_shows_it(self, client, bot) -> None:
        result = await bot.ok("sendMessage", chat_id=42, text="<b>Task</b> saved", parse_mode="HTML",
                              reply_markup=KEYBOARD)

        message = Message.model_validate(result)
        shown = await messages(client)

        assert message.text == "Task saved"
        assert message.html_text == "<b>Task</b> saved"
        assert message.from_user is not None and message.from_user.id == bot.bot_id
        assert message.reply_markup is not None
        assert message.reply_markup.inline_keyboard[0][0].callback_data == "done:1"
        assert [(m["message_id"], m["from_bot"], m["text"], m["reply_markup"], m["edited"]) for m in shown] == [
            (message.message_id, True, "Task saved", KEYBOARD, False)]

    async def test_multipart_form_with_json_encoded_markup_is_accepted(self, client, bot) -> None:
        response = await client.post(f"/bot{bot.token}/sendMessage", files={
            "chat_id": (None, "42"), "text": (None, "hi"), "reply_markup": (None, json.dumps(KEYBOARD))})

        assert response.json()["result"]["reply_markup"] == KEYBOARD

    async def test_empty_and_too_long_texts_are_refused(self, bot) -> None:
        assert await bot("sendMessage", chat_id=42, text="") == bad_request("message text is empty")
        assert await bot("sendMessage", chat_id=42, text="   ") == bad_request("message text is empty")
        assert await bot("sendMessage", chat_id=42, text="x" * 4097) == bad_request("text is too long")
        assert (await bot("sendMessage", chat_id=42, text="x" * 4096))["ok"]

    async def test_broken_html_is_refused_like_telegram_does(self, bot) -> None:
        answer = await bot("sendMessage", chat_id=42, text="a <br> b", parse_mode="HTML")

        assert answer == bad_request('can\'t parse entities: Unsupported start tag "br" at byte offset 2')

    async def test_a_reply_to_a_missing_message_is_refused_unless_allowed(self, bot, say) -> None:
        sent = await say("question")

        missing = await bot("sendMessage", chat_id=42, text="answer", reply_to_message_id=999999)
        allowed = await bot.ok("sendMessage", chat_id=42, text="answer",
                               reply_parameters={"message_id": 999999, "allow_sending_without_reply": True})
        reply = await bot.ok("sendMessage", chat_id=42, text="answer",
                             reply_parameters={"message_id": sent["message_id"]})

        assert missing == bad_request("message to be replied not found")
        assert "reply_to_message" not in allowed
        assert reply["reply_to_message"]["text"] == "question"

    async def test_oversized_callback_data_is_refused(self, bot) -> None:
        markup = {"inline_keyboard": [[{"text": "x", "callback_data": "x" * 65}]]}

        assert await bot("sendMessage", chat_id=42, text="hi", reply_markup=markup) == bad_request(
            "BUTTON_DATA_INVALID")

    async def test_unknown_method_and_malformed_token(self, client, bot) -> None:
        unknown = await client.post(f"/bot{bot.token}/sendTelepathy", json={})
        malformed = await client.post("/botnot-a-token/getMe", json={})

        assert (unknown.status_code, unknown.json()) == (404, {"ok": False, "error_code": 404,
                                                               "description": "Not Found"})
        assert (malformed.status_code, malformed.json()) == (401, {
            "ok": False, "error_code": 401, "description": "Unauthorized: invalid token specified"})


class TestEditAndDelete:
    async def test_editing_text_marks_the_message_edited_and_drops_an_omitted_keyboard(self, client, bot) -> None:
        sent = await bot.ok("sendMessage", chat_id=42, text="draft", reply_markup=KEYBOARD)

        edited = await bot.ok("editMessageText", chat_id=42, message_id=sent["message_id"], text="final")

        shown = (await messages(client))[-1]
        assert edited["text"] == "final" and "edit_date" in edited
        assert (shown["text"], shown["edited"], shown["reply_markup"]) == ("final", True, None)

    async def test_an_edit_that_changes_nothing_is_refused(self, bot) -> None:
        sent = await bot.ok("sendMessage", chat_id=42, text="same", reply_markup=KEYBOARD)

        answer = await bot("editMessageText", chat_id=42, message_id=sent["message_id"], text="same",
                           reply_markup=KEYBOARD)

        assert answer == bad_request(NOT_MODIFIED)

    async def test_editing_a_missing_or_foreign_message_is_refused(self, bot, say) -> None:
        user_message = await say("mine")

        missing = await bot("editMessageText", chat_id=42, message_id=999999, text="x")
        foreign = await bot("editMessageText", chat_id=42, message_id=user_message["message_id"], text="x")

        assert missing == bad_request("message to edit not found")
        assert foreign == bad_request("message can't be edited")

    async def test_edit_reply_markup_replaces_only_the_keyboard(self, client, bot) -> None:
        sent = await bot.ok("sendMessage", chat_id=42, text="<i>pick</i>", parse_mode="HTML",
                            reply_markup=KEYBOARD)

        edited = await bot.ok("editMessageReplyMarkup", chat_id=42, message_id=sent["message_id"])
        repeated = await bot("editMessageReplyMarkup", chat_id=42, message_id=sent["message_id"])

        assert "reply_markup" not in edited
        assert edited["entities"] == [{"type": "italic", "offset": 0, "length": 4}]
        assert repeated == bad_request(NOT_MODIFIED)

    async def test_a_deleted_message_disappears_and_cannot_be_deleted_twice(self, client, bot) -> None:
        sent = await bot.ok("sendMessage", chat_id=42, text="oops")

        assert await bot.ok("deleteMessage", chat_id=42, message_id=sent["message_id"]) is True
        again = await bot("deleteMessage", chat_id=42, message_id=sent["message_id"])

        assert again == bad_request("message to delete not found")
        assert await messages(client) == []
        assert [m["deleted"] for m in await messages(client, include_deleted="true")] == [True]


class TestCallbacks:
    async def test_pressing_a_button_sends_a_callback_query_and_the_answer_is_recorded(self, client, bot) -> None:
        sent = await bot.ok("sendMessage", chat_id=42, text="pick", reply_markup=KEYBOARD)

        pressed = (await client.post("/api/callbacks", json={"chat_id": 42, "message_id": sent["message_id"],
                                                             "data": "done:1"})).json()
        query = (await bot.ok("getUpdates"))[-1]["callback_query"]
        answered = await bot.ok("answerCallbackQuery", callback_query_id=query["id"], text="Saved!")
        twice = await bot("answerCallbackQuery", callback_query_id=query["id"])

        answers = (await client.get("/api/chats/42/callback_answers")).json()
        assert query["id"] == pressed["callback_query_id"]
        assert (query["data"], query["from"]["id"], query["message"]["message_id"]) == ("done:1", 42,
                                                                                       sent["message_id"])
        assert answered is True
        assert twice == bad_request(QUERY_TOO_OLD)
        assert [(a["data"], a["answered"], a["text"]) for a in answers] == [("done:1", True, "Saved!")]

    async def test_pressing_a_button_of_a_missing_message_is_refused(self, client, bot) -> None:
        response = await client.post("/api/callbacks", json={"chat_id": 42, "message_id": 999999, "data": "x"})

        assert response.status_code == 400


class TestForumTopics:
    async def test_topics_give_threads_and_the_group_becomes_a_forum(self, client, bot) -> None:
        topic = await bot.ok("createForumTopic", chat_id=-1001, name="Ideas")

        posted = await bot.ok("sendMessage", chat_id=-1001, text="idea", message_thread_id=topic["message_thread_id"])
        chat = ChatFullInfo.model_validate(await bot.ok("getChat", chat_id=-1001))
        shown = await messages(client, -1001, message_thread_id=topic["message_thread_id"])

        assert topic["name"] == "Ideas" and isinstance(topic["icon_color"], int)
        assert posted["message_thread_id"] == topic["message_thread_id"] and posted["is_topic_message"] is True
        assert posted["chat"] == {"id": -1001, "type": "supergroup", "title": "Sandbox group -1001", "is_forum": True}
        assert chat.is_forum is True
        assert [m["text"] for m in shown] == ["idea"]

    async def test_an_unknown_thread_and_a_private_chat_are_refused(self, bot) -> None:
        await bot.ok("createForumTopic", chat_id=-1001, name="Ideas")

        assert await bot("sendMessage", chat_id=-1001, text="x", message_thread_id=424242) == bad_request(
            "message thread not found")
        assert await bot("createForumTopic", chat_id=42, name="x") == bad_request("the chat is not a forum")

    async def test_a_user_can_write_in_a_topic(self, client, bot) -> None:
        topic = await bot.ok("createForumTopic", chat_id=-1001, name="Ideas")

        await client.post("/api/messages", json={"chat_id": -1001, "user_id": 7, "text": "hello topic",
                                                 "message_thread_id": topic["message_thread_id"]})

        message = (await bot.ok("getUpdates"))[-1]["message"]
        assert (message["message_thread_id"], message["is_topic_message"]) == (topic["message_thread_id"], True)


class TestBotSettings:
    async def test_commands_are_stored_per_scope_and_shown_to_the_chat(self, client, bot) -> None:
        commands = [{"command": "start", "description": "Start"}, {"command": "help", "description": "Help"}]

        await bot.ok("setMyCommands", commands=commands)
        await bot.ok("setMyCommands", commands=commands[:1], scope={"type": "chat", "chat_id": 42})

        assert await bot.ok("getMyCommands") == commands
        assert (await client.get("/api/chats/42")).json()["commands"] == commands[:1]
        assert (await client.get("/api/chats/43")).json()["commands"] == commands
        await bot.ok("deleteMyCommands")
        assert await bot.ok("getMyCommands") == []

    async def test_a_web_app_menu_button_is_shown_to_the_chat(self, client, bot) -> None:
        button = {"type": "web_app", "text": "App", "web_app": {"url": "https://app.example/"}}

        await bot.ok("setChatMenuButton", menu_button=button)

        assert await bot.ok("getChatMenuButton", chat_id=42) == button
        assert (await client.get("/api/chats/42")).json()["menu_button"] == button

    async def test_chat_action_and_reply_keyboard_show_in_chat_details(self, client, bot) -> None:
        keyboard = {"keyboard": [[{"text": "Yes"}, {"text": "No"}]], "resize_keyboard": True}

        await bot.ok("sendChatAction", chat_id=42, action="typing")
        await bot.ok("sendMessage", chat_id=42, text="Sure?", reply_markup=keyboard)
        details = (await client.get("/api/chats/42")).json()
        await bot.ok("sendMessage", chat_id=42, text="ok", reply_markup={"remove_keyboard": True})

        assert details["action"]["action"] == "typing"
        assert details["reply_keyboard"] == keyboard
        assert (await client.get("/api/chats/42")).json()["reply_keyboard"] is None
        assert await bot("sendChatAction", chat_id=42, action="dancing") == bad_request(
            "wrong parameter action in request")


class TestChatViews:
    async def test_chats_are_listed_newest_first_and_looking_does_not_create_one(self, client, bot, say) -> None:
        await say("older", chat_id=1)
        await bot.ok("sendMessage", chat_id=2, text="newer")

        details = (await client.get("/api/chats/3")).json()
        chats = (await client.get("/api/chats")).json()

        assert details["message_count"] == 0
        assert [(c["chat_id"], c["message_count"], c["last_message"]["text"]) for c in chats] == [
            (2, 1, "newer"), (1, 1, "older")]
