"""Albums, polls, dice, contacts, venues, live locations, drafts, inline mode and chat administration."""

from __future__ import annotations

from typing import Any

import httpx
from aiogram.types import ChatFullInfo, Message, Poll, StickerSet

from tests.conformance import telegram_texts as tg

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000002000000030806000000")


def error(body: dict[str, Any]) -> tuple[int, str]:
    return body["error_code"], body["description"]


async def shown(client: httpx.AsyncClient, chat_id: int = 42, **params: Any) -> list[dict[str, Any]]:
    return (await client.get(f"/api/chats/{chat_id}/messages", params=params)).json()


class TestAlbums:
    async def test_an_album_is_one_message_per_item_sharing_a_media_group_id(self, client, bot) -> None:
        response = await client.post(f"/bot{bot.token}/sendMediaGroup", data={"chat_id": "42", "media": (
            '[{"type": "photo", "media": "attach://a", "caption": "<b>first</b>", "parse_mode": "HTML"},'
            ' {"type": "photo", "media": "attach://b"}]')}, files={"a": ("a.png", PNG), "b": ("b.png", PNG)})
        sent = [Message.model_validate(m) for m in response.json()["result"]]
        messages = await shown(client)

        assert [m.media_group_id for m in sent] == [sent[0].media_group_id] * 2 and sent[0].media_group_id
        assert sent[0].caption == "first" and sent[0].caption_entities[0].type == "bold"
        assert [m["media_group_id"] for m in messages] == [sent[0].media_group_id] * 2
        assert messages[0]["photo"][0]["width"] == 2

    async def test_album_errors(self, bot) -> None:
        photo = {"type": "photo", "media": "AgACnosuchfile"}
        document = {"type": "document", "media": "BQACnosuchfile"}

        assert error(await bot("sendMediaGroup", chat_id=42, media=[])) == tg.ALBUM_EMPTY
        assert error(await bot("sendMediaGroup", chat_id=42, media=[photo] * 11)) == tg.ALBUM_TOO_BIG
        assert error(await bot("sendMediaGroup", chat_id=42, media=[photo, document])) == tg.ALBUM_DOCUMENT_MIXED

    async def test_edit_message_media_replaces_the_photo_of_a_message(self, client, bot) -> None:
        first = (await client.post(f"/bot{bot.token}/sendPhoto", data={"chat_id": "42"},
                                   files={"photo": ("a.png", PNG)})).json()["result"]
        other = (await client.post(f"/bot{bot.token}/sendDocument", data={"chat_id": "42"},
                                   files={"document": ("notes.txt", b"notes")})).json()["result"]
        edited = await bot.ok("editMessageMedia", chat_id=42, message_id=first["message_id"], media={
            "type": "document", "media": other["document"]["file_id"], "caption": "now a file"})

        assert "photo" not in edited and edited["document"]["file_name"] == "notes.txt"
        assert edited["caption"] == "now a file" and "edit_date" in edited
        assert (await shown(client))[0]["document"]["file_id"] == other["document"]["file_id"]


class TestPolls:
    async def test_a_vote_updates_the_poll_and_reaches_the_bot_as_poll_and_poll_answer(self, client, bot) -> None:
        sent = await bot.ok("sendPoll", chat_id=42, question="Lunch?", options=["Soup", {"text": "Salad"}],
                            is_anonymous=False)
        vote = await client.post("/api/polls/votes", json={"chat_id": 42, "message_id": sent["message_id"],
                                                           "option_ids": [1]})
        updates = await bot.ok("getUpdates")
        stopped = Poll.model_validate(await bot.ok("stopPoll", chat_id=42, message_id=sent["message_id"]))
        again = await bot("stopPoll", chat_id=42, message_id=sent["message_id"])
        late = await client.post("/api/polls/votes", json={"chat_id": 42, "message_id": sent["message_id"],
                                                           "option_ids": [0]})

        assert vote.status_code == 200
        assert updates[0]["poll"]["options"][1]["voter_count"] == 1
        assert updates[1]["poll_answer"]["option_ids"] == [1] and updates[1]["poll_answer"]["user"]["id"] == 42
        assert stopped.is_closed and stopped.total_voter_count == 1
        assert error(again) == tg.POLL_CLOSED
        assert late.status_code == 400
        assert (await shown(client))[0]["poll"]["options"][1]["voter_count"] == 1

    async def test_poll_errors(self, bot) -> None:
        assert error(await bot("sendPoll", chat_id=42, question="Q", options=["one"])) == tg.POLL_TOO_FEW_OPTIONS
        assert error(await bot("sendPoll", chat_id=42, question="Q",
                               options=[str(i) for i in range(13)])) == tg.POLL_TOO_MANY_OPTIONS
        assert error(await bot("sendPoll", chat_id=42, question=" ", options=["a", "b"])) == tg.POLL_QUESTION_EMPTY


class TestDiceContactsVenuesLocations:
    async def test_each_kind_is_sent_and_shown(self, client, bot) -> None:
        dice = await bot.ok("sendDice", chat_id=42, emoji="🎯")
        contact = await bot.ok("sendContact", chat_id=42, phone_number="+15550100", first_name="Ann")
        venue = await bot.ok("sendVenue", chat_id=42, latitude=52.5, longitude=13.4, title="Office",
                             address="Main st 1")
        messages = await shown(client)

        assert dice["dice"]["emoji"] == "🎯" and 1 <= dice["dice"]["value"] <= 6
        assert contact["contact"] == {"phone_number": "+15550100", "first_name": "Ann"}
        assert venue["venue"]["title"] == "Office" and venue["location"]["latitude"] == 52.5
        assert [sorted(k for k in ("dice", "contact", "venue") if k in m) for m in messages] == [
            ["dice"], ["contact"], ["venue"]]

    async def test_a_live_location_moves_until_it_is_stopped(self, client, bot) -> None:
        sent = await bot.ok("sendLocation", chat_id=42, latitude=1.0, longitude=2.0, live_period=600)
        moved = await bot.ok("editMessageLiveLocation", chat_id=42, message_id=sent["message_id"], latitude=1.5,
                             longitude=2.5, heading=90)
        stopped = await bot.ok("stopMessageLiveLocation", chat_id=42, message_id=sent["message_id"])
        after = await bot("editMessageLiveLocation", chat_id=42, message_id=sent["message_id"], latitude=3,
                          longitude=3)
        plain = await bot.ok("sendLocation", chat_id=42, latitude=1.0, longitude=2.0)

        assert moved["location"] == {"latitude": 1.5, "longitude": 2.5, "live_period": 600, "heading": 90}
        assert "live_period" not in stopped["location"]
        assert error(after) == tg.LOCATION_NOT_LIVE
        assert error(await bot("editMessageLiveLocation", chat_id=42, message_id=plain["message_id"], latitude=3,
                               longitude=3)) == tg.LOCATION_NOT_LIVE
        assert error(await bot("sendLocation", chat_id=42, latitude=1, longitude=2, live_period=30)) == tg.LIVE_PERIOD
        assert (await shown(client))[0]["location"]["latitude"] == 1.5


class TestSeveralMessages:
    async def test_copy_and_forward_several_messages(self, client, bot, say) -> None:
        first, second = await say("one"), await say("two")
        ids = [first["message_id"], second["message_id"]]

        copied = await bot.ok("copyMessages", chat_id=-100, from_chat_id=42, message_ids=ids)
        forwarded = await bot.ok("forwardMessages", chat_id=-100, from_chat_id=42, message_ids=ids)
        group = await shown(client, -100)

        assert len(copied) == len(forwarded) == 2 and set(copied[0]) == {"message_id"}
        assert [m["text"] for m in group] == ["one", "two", "one", "two"]
        assert "forward_origin" not in group[0] and group[2]["forward_origin"]["sender_user"]["id"] == 42


class TestDrafts:
    async def test_a_draft_shows_until_the_message_is_sent(self, client, bot) -> None:
        assert await bot.ok("sendMessageDraft", chat_id=42, draft_id=7, text="Thinking") is True
        streaming = (await client.get("/api/chats/42")).json()["draft"]
        await bot.ok("sendMessage", chat_id=42, text="Done")

        assert streaming["text"] == "Thinking" and streaming["draft_id"] == 7
        assert (await client.get("/api/chats/42")).json()["draft"] is None


class TestInlineMode:
    async def test_an_inline_query_is_answered_and_a_result_posted_via_the_bot(self, client, bot) -> None:
        asked = (await client.post("/api/inline_queries", json={"chat_id": 42, "query": "milk"})).json()
        update = (await bot.ok("getUpdates"))[-1]
        answered = await bot.ok("answerInlineQuery", inline_query_id=asked["inline_query_id"], results=[
            {"type": "article", "id": "1", "title": "Milk", "input_message_content": {"message_text": "Buy milk"}}])
        again = await bot("answerInlineQuery", inline_query_id=asked["inline_query_id"], results=[])
        seen = (await client.get(f"/api/inline_queries/{asked['inline_query_id']}")).json()
        chosen = await client.post(f"/api/inline_queries/{asked['inline_query_id']}/choose",
                                   json={"chat_id": 42, "result_id": "1"})

        assert update["inline_query"]["query"] == "milk" and update["inline_query"]["from"]["id"] == 42
        assert answered is True and error(again) == tg.QUERY_TOO_OLD
        assert [r["title"] for r in seen["results"]] == ["Milk"]
        assert chosen.status_code == 200
        message = (await shown(client))[-1]
        assert message["text"] == "Buy milk" and message["via_bot"]["id"] == bot.bot_id


class TestChatAdministration:
    async def test_members_bans_restrictions_titles_and_links(self, client, bot, say) -> None:
        await say("hi", chat_id=-100, user_id=7)
        await say("hello", chat_id=-100, user_id=8)

        admins = await bot.ok("getChatAdministrators", chat_id=-100)
        count = await bot.ok("getChatMemberCount", chat_id=-100)
        await bot.ok("banChatMember", chat_id=-100, user_id=8)
        banned = await bot.ok("getChatMember", chat_id=-100, user_id=8)
        await bot.ok("unbanChatMember", chat_id=-100, user_id=8)
        await bot.ok("restrictChatMember", chat_id=-100, user_id=8, permissions={"can_send_messages": False})
        restricted = await bot.ok("getChatMember", chat_id=-100, user_id=8)
        await bot.ok("setChatTitle", chat_id=-100, title="Team")
        link = await bot.ok("createChatInviteLink", chat_id=-100, name="friends")
        chat = ChatFullInfo.model_validate(await bot.ok("getChat", chat_id=-100))

        assert [(a["status"], a["user"]["id"]) for a in admins] == [("creator", 7), ("administrator", bot.bot_id)]
        assert count == 3
        assert banned["status"] == "kicked"
        assert restricted["status"] == "restricted" and restricted["can_send_messages"] is False
        assert chat.title == "Team"
        assert link["invite_link"].startswith("https://t.me/+") and link["name"] == "friends"
        assert (await shown(client, -100, include_service=True))[-1]["new_chat_title"] == "Team"
        assert error(await bot("banChatMember", chat_id=42, user_id=8)) == tg.NOT_ENOUGH_RIGHTS_PRIVATE
        assert error(await bot("setChatTitle", chat_id=-100, title=" ")) == tg.CHAT_TITLE_EMPTY

    async def test_leaving_a_group_stops_the_bot_writing_there(self, bot) -> None:
        assert await bot.ok("leaveChat", chat_id=-100) is True
        answer = await bot("sendMessage", chat_id=-100, text="still here?")

        assert error(answer) == (403, "Forbidden: bot is not a member of the supergroup chat")

    async def test_default_administrator_rights_profile_photos_stickers_and_general_topic(self, bot) -> None:
        await bot.ok("setMyDefaultAdministratorRights", rights={"can_delete_messages": True, "bogus": True})
        rights = await bot.ok("getMyDefaultAdministratorRights")
        photos = await bot.ok("getUserProfilePhotos", user_id=bot.bot_id)
        stickers = StickerSet.model_validate(await bot.ok("getStickerSet", name="SandboxStickers"))
        sent = await bot.ok("sendSticker", chat_id=42, sticker=stickers.stickers[0].file_id)
        topic = await bot.ok("createForumTopic", chat_id=-100, name="Plans")

        assert rights["can_delete_messages"] is True and rights["can_pin_messages"] is False and "bogus" not in rights
        assert photos == {"total_count": 0, "photos": []}
        assert len(stickers.stickers) == 3 and sent["sticker"]["file_id"] == stickers.stickers[0].file_id
        assert error(await bot("getStickerSet", name="NoSuchSet")) == tg.STICKER_SET_INVALID
        assert await bot.ok("editGeneralForumTopic", chat_id=-100, name="Lobby") is True
        assert await bot.ok("unpinAllForumTopicMessages", chat_id=-100,
                            message_thread_id=topic["message_thread_id"]) is True
