"""What a person does beyond typing: edit a message of theirs, send photos as one album, forward a text from
elsewhere — each reaches the bot as Telegram delivers it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.sandbox.conftest import Say

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a3e1c2a40000000049454e44ae426082")


class TestEdits:
    async def test_an_edit_reaches_the_bot_as_edited_message_with_the_new_text(
            self, client: httpx.AsyncClient, bot: Any, say: Say) -> None:
        sent = await say("buy milk")
        await bot.ok("getUpdates")
        r = await client.post("/api/edits", json={"chat_id": 42, "message_id": sent["message_id"],
                                                  "text": "buy milk and #bread"})

        assert r.status_code == 200, r.text
        (update,) = await bot.ok("getUpdates", offset=sent["update_id"] + 1)
        edited = update["edited_message"]
        assert edited["message_id"] == sent["message_id"] and edited["text"] == "buy milk and #bread"
        assert edited["edit_date"] >= edited["date"] and edited["entities"][0]["type"] == "hashtag"
        (shown,) = (await client.get("/api/chats/42/messages")).json()
        assert shown["text"] == "buy milk and #bread" and shown["edited"] is True

    async def test_a_caption_of_a_photo_is_edited(self, client: httpx.AsyncClient, bot: Any) -> None:
        r = await client.post("/api/photos", data={"chat_id": "42", "caption": "old"},
                              files={"file": ("p.png", PNG, "image/png")})
        r = await client.post("/api/edits", json={"chat_id": 42, "message_id": r.json()["message_id"],
                                                  "caption": "new"})

        assert r.status_code == 200, r.text
        updates = await bot.ok("getUpdates")
        assert updates[-1]["edited_message"]["caption"] == "new" and updates[-1]["edited_message"]["photo"]

    async def test_no_one_edits_a_message_that_is_not_theirs_or_an_unchanged_text(
            self, client: httpx.AsyncClient, bot: Any, say: Say) -> None:
        sent = await say("hello")
        from_bot = await bot.ok("sendMessage", chat_id=42, text="hi")
        other = await client.post("/api/edits", json={"chat_id": 42, "user_id": 7, "message_id": sent["message_id"],
                                                      "text": "x"})
        bots = await client.post("/api/edits", json={"chat_id": 42, "message_id": from_bot["message_id"],
                                                     "text": "x"})
        same = await client.post("/api/edits", json={"chat_id": 42, "message_id": sent["message_id"],
                                                     "text": "hello"})

        assert other.status_code == bots.status_code == same.status_code == 400
        assert same.json() == {"detail": "message is not modified"}
        assert [u.get("edited_message") for u in await bot.ok("getUpdates")] == [None]


class TestAlbums:
    async def test_an_album_is_one_update_per_photo_sharing_a_media_group_id(
            self, client: httpx.AsyncClient, bot: Any) -> None:
        files = [("files", (f"p{n}.png", PNG, "image/png")) for n in range(3)]
        r = await client.post("/api/albums", data={"chat_id": "42", "caption": "our trip"}, files=files)

        assert r.status_code == 200, r.text
        body = r.json()
        updates = await bot.ok("getUpdates")
        assert [u["update_id"] for u in updates] == body["update_ids"]
        messages = [u["message"] for u in updates]
        assert [m["message_id"] for m in messages] == body["message_ids"]
        assert {m["media_group_id"] for m in messages} == {body["media_group_id"]}
        assert [m.get("caption") for m in messages] == ["our trip", None, None]
        assert len({m["photo"][0]["file_id"] for m in messages}) == 3

    async def test_one_photo_is_not_an_album(self, client: httpx.AsyncClient, bot: Any) -> None:
        r = await client.post("/api/albums", data={"chat_id": "42"}, files=[("files", ("p.png", PNG, "image/png"))])
        assert r.status_code == 400


class TestForwards:
    async def test_a_forwarded_text_carries_its_origin(self, client: httpx.AsyncClient, bot: Any, say: Say) -> None:
        origin = {"type": "channel", "chat": {"id": -1001, "type": "channel", "title": "News"}, "message_id": 5,
                  "date": 1700000000}
        await say("big news", forward_origin=origin)
        await say("from Bob", forward_origin={"type": "hidden_user", "sender_user_name": "Bob"})

        channel, hidden = [u["message"] for u in await bot.ok("getUpdates")]
        assert channel["forward_origin"] == origin and channel["text"] == "big news"
        assert hidden["forward_origin"]["sender_user_name"] == "Bob" and hidden["forward_origin"]["date"] > 0

    async def test_an_unknown_origin_type_is_refused(self, client: httpx.AsyncClient, bot: Any) -> None:
        r = await client.post("/api/messages", json={"chat_id": 42, "text": "x", "forward_origin": {"type": "alien"}})
        assert r.status_code == 400
