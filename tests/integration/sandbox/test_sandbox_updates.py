"""getUpdates like Telegram: offsets confirm, unconfirmed updates come back, long polls wake up."""

from __future__ import annotations

import asyncio
import time

import httpx

from sandbox.errors import GET_UPDATES_TERMINATED, GET_UPDATES_WITH_WEBHOOK


class TestOffsets:
    async def test_an_update_comes_back_until_a_higher_offset_confirms_it(self, bot, say) -> None:
        sent = await say("hello")

        first = await bot.ok("getUpdates")
        again = await bot.ok("getUpdates")
        after_confirm = await bot.ok("getUpdates", offset=sent["update_id"] + 1)

        assert [u["update_id"] for u in first] == [sent["update_id"]]
        assert first[0]["message"]["text"] == "hello"
        assert again == first
        assert after_confirm == []
        assert (await bot.ok("getWebhookInfo"))["pending_update_count"] == 0

    async def test_offset_returns_updates_from_it_and_forgets_older_ones(self, bot, say) -> None:
        ids = [(await say(f"m{i}"))["update_id"] for i in range(3)]

        from_second = await bot.ok("getUpdates", offset=ids[1])
        without_offset = await bot.ok("getUpdates")

        assert [u["update_id"] for u in from_second] == ids[1:]
        assert [u["update_id"] for u in without_offset] == ids[1:]

    async def test_limit_and_negative_offset(self, bot, say) -> None:
        ids = [(await say(f"m{i}"))["update_id"] for i in range(4)]

        limited = await bot.ok("getUpdates", limit=2)
        last_only = await bot.ok("getUpdates", offset=-1)

        assert [u["update_id"] for u in limited] == ids[:2]
        assert [u["update_id"] for u in last_only] == ids[-1:]
        assert [u["update_id"] for u in await bot.ok("getUpdates")] == ids[-1:]

    async def test_update_ids_grow_across_a_reset(self, client, bot, say) -> None:
        before = (await say("before"))["update_id"]
        await client.post("/api/reset")

        after = (await say("after"))["update_id"]

        assert after > before
        assert [u["message"]["text"] for u in await bot.ok("getUpdates")] == ["after"]

    async def test_form_and_query_string_parameters_are_accepted(self, client, bot, say) -> None:
        sent = await say("hi")

        by_query = (await client.get(f"/bot{bot.token}/getUpdates", params={"offset": sent["update_id"]})).json()
        by_form = (await client.post(f"/bot{bot.token}/getUpdates",
                                     data={"offset": str(sent["update_id"] + 1)})).json()

        assert [u["update_id"] for u in by_query["result"]] == [sent["update_id"]]
        assert by_form == {"ok": True, "result": []}

    async def test_allowed_updates_filters_what_is_delivered(self, client, bot, say) -> None:
        await say("text message")
        await bot.ok("sendMessage", chat_id=42, text="pick", reply_markup={
            "inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
        bot_message = (await client.get("/api/chats/42/messages")).json()[-1]
        await client.post("/api/callbacks", json={"chat_id": 42, "message_id": bot_message["message_id"],
                                                  "data": "a"})

        updates = await bot.ok("getUpdates", allowed_updates=["callback_query"])

        assert [u["callback_query"]["data"] for u in updates] == ["a"]


class TestLongPolling:
    async def test_a_waiting_poll_returns_as_soon_as_a_message_arrives(self, bot, say) -> None:
        started = time.monotonic()
        poll = asyncio.create_task(bot.ok("getUpdates", timeout=10))
        await asyncio.sleep(0.1)
        assert not poll.done()

        await say("wake up")
        updates = await asyncio.wait_for(poll, 2)

        assert [u["message"]["text"] for u in updates] == ["wake up"]
        assert time.monotonic() - started < 2

    async def test_a_poll_with_nothing_to_deliver_returns_empty_after_its_timeout(self, bot) -> None:
        started = time.monotonic()

        updates = await bot.ok("getUpdates", timeout=1)

        assert updates == []
        assert 0.9 <= time.monotonic() - started < 3

    async def test_a_second_poll_terminates_the_first_with_409(self, bot) -> None:
        first = asyncio.create_task(bot("getUpdates", timeout=10))
        await asyncio.sleep(0.1)

        second = asyncio.create_task(bot.ok("getUpdates", timeout=1))
        terminated = await asyncio.wait_for(first, 2)

        assert terminated == {"ok": False, "error_code": 409, "description": GET_UPDATES_TERMINATED}
        assert await second == []

    async def test_get_updates_conflicts_with_an_active_webhook(self, bot) -> None:
        await bot.ok("setWebhook", url="http://127.0.0.1:9/hook")

        answer = await bot("getUpdates")

        assert answer == {"ok": False, "error_code": 409, "description": GET_UPDATES_WITH_WEBHOOK}


class TestWhoReceivesControlUpdates:
    async def test_updates_made_before_any_bot_connects_wait_for_the_first_one(self, make_bot, say) -> None:
        sent = await say("early bird")
        api = make_bot()

        updates = await api.ok("getUpdates")

        assert [u["update_id"] for u in updates] == [sent["update_id"]]

    async def test_the_last_bot_seen_receives_and_bot_id_picks_one(self, make_bot, say) -> None:
        first, second = make_bot("111:first-token"), make_bot("222:second-token")
        await first.ok("getMe")
        await second.ok("getMe")

        await say("to the latest")
        await say("to the first", bot_id=111)

        assert [u["message"]["text"] for u in await second.ok("getUpdates")] == ["to the latest"]
        assert [u["message"]["text"] for u in await first.ok("getUpdates")] == ["to the first"]

    async def test_user_id_defaults_to_the_private_chat_id(self, bot, say) -> None:
        await say("hi", chat_id=777, first_name="Anna", language_code="ru")

        message = (await bot.ok("getUpdates"))[0]["message"]

        assert message["from"] == {"id": 777, "is_bot": False, "first_name": "Anna", "language_code": "ru"}
        assert message["chat"] == {"id": 777, "type": "private", "first_name": "Anna"}

    async def test_a_group_message_needs_a_user_id(self, client: httpx.AsyncClient, bot) -> None:
        refused = await client.post("/api/messages", json={"chat_id": -100500, "text": "hi"})
        accepted = await client.post("/api/messages", json={"chat_id": -100500, "user_id": 5, "text": "hi"})

        assert refused.status_code == 400
        assert accepted.status_code == 200
        chat = (await bot.ok("getUpdates"))[0]["message"]["chat"]
        assert chat["type"] == "supergroup"

    async def test_commands_carry_a_bot_command_entity(self, bot, say) -> None:
        await say("/start ref42")

        message = (await bot.ok("getUpdates"))[0]["message"]

        assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
