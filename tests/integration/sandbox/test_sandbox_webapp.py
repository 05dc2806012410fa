"""Mini Apps: signed initData that aiogram accepts, answerWebAppQuery, sendData, and the chat page."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from aiogram.utils.web_app import safe_parse_webapp_init_data


class TestInitData:
    async def test_init_data_is_signed_with_the_bot_token(self, client, bot) -> None:
        launch = (await client.get("/api/webapp_init_data",
                                   params={"chat_id": 42, "first_name": "Anna", "language_code": "ru"})).json()

        parsed = safe_parse_webapp_init_data(bot.token, launch["init_data"])

        assert parsed.user is not None
        assert (parsed.user.id, parsed.user.first_name, parsed.user.language_code) == (42, "Anna", "ru")
        assert parsed.chat_type == "sender"
        with pytest.raises(ValueError):
            safe_parse_webapp_init_data("999:other-token", launch["init_data"])

    async def test_the_launch_fragment_carries_what_telegram_web_app_js_reads(self, client, bot) -> None:
        launch = (await client.get("/api/webapp_init_data", params={"chat_id": 42, "user_id": 7})).json()

        fragment = parse_qs(launch["fragment"])

        assert fragment["tgWebAppData"] == [launch["init_data"]]
        assert fragment["tgWebAppVersion"] == ["7.0"]
        assert fragment["tgWebAppPlatform"] == ["web"]
        assert "bg_color" in fragment["tgWebAppThemeParams"][0]

    async def test_without_a_connected_bot_there_is_no_token_to_sign_with(self, client) -> None:
        response = await client.get("/api/webapp_init_data", params={"chat_id": 42})

        assert response.status_code == 409


class TestMiniAppResults:
    async def test_answer_web_app_query_posts_the_result_in_the_chat(self, client, bot) -> None:
        launch = (await client.get("/api/webapp_init_data", params={"chat_id": 42, "query": "true"})).json()
        query_id = parse_qs(launch["init_data"])["query_id"][0]

        answer = await bot.ok("answerWebAppQuery", web_app_query_id=query_id, result={
            "type": "article", "id": "1", "title": "Done",
            "input_message_content": {"message_text": "<b>Order</b> placed", "parse_mode": "HTML"}})
        again = await bot("answerWebAppQuery", web_app_query_id=query_id, result={"type": "article", "id": "1"})

        shown = (await client.get("/api/chats/42/messages")).json()
        assert "inline_message_id" in answer
        assert again["description"] == "Bad Request: QUERY_ID_INVALID"
        assert [(m["text"], m["via_bot"]["id"]) for m in shown] == [("Order placed", bot.bot_id)]

    async def test_send_data_from_a_keyboard_mini_app_reaches_the_bot(self, client, bot) -> None:
        await client.post("/api/web_app_data", json={"chat_id": 42, "data": '{"x": 1}', "button_text": "Form"})

        message = (await bot.ok("getUpdates"))[0]["message"]

        assert message["web_app_data"] == {"data": '{"x": 1}', "button_text": "Form"}


class TestPage:
    async def test_the_chat_page_and_its_scripts_are_served(self, client) -> None:
        page = await client.get("/")
        script = await client.get("/static/app.js")
        web_app_js = await client.get("/telegram-web-app.js")

        assert page.status_code == 200 and "Telegram sandbox" in page.text
        assert script.status_code == 200 and "webapp_init_data" in script.text
        assert web_app_js.headers["content-type"].startswith("application/javascript")
        assert "tgWebAppData" in web_app_js.text
