"""Every kind of message the user sends the secretary gets its answer: an edit of a message changes the item made of
it (the reply, to the edit, is the new card), an album is one item with all its photos (answered once), a forwarded
message keeps where it came from on its card, and a Mini App's data is read when it carries a text."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

from items_helpers import items_of
from sqlalchemy import select

from core.items.models import ChangeAction, ItemChange, ItemMessage
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient
from tests.support.sql import recorded_statements

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a3e1c2a40000000049454e44ae426082")


async def next_reply(sandbox: SandboxClient, chat_id: int, count: int) -> dict[str, Any]:
    """The bot's message after the first ``count`` ones."""
    msgs = await sandbox.wait_for(chat_id, lambda ms: len(ms) > count)
    return msgs[count]


async def changes(app: BotServices, user_id: int) -> list[str]:
    async with app.runtime.session_factory() as s:
        query = select(ItemChange.action).where(ItemChange.user_id == user_id).order_by(ItemChange.id)
        return list((await s.scalars(query)).all())


def local(value: dt.datetime | None, app: BotServices) -> str:
    assert value is not None
    return value.astimezone(ZoneInfo(app.runtime.settings.default_timezone)).strftime("%H:%M")


async def linked(app: BotServices, item_id: int) -> list[int]:
    """The further messages linked to an item (an album's photos after its first)."""
    async with app.runtime.session_factory() as s:
        query = select(ItemMessage.message_id).where(ItemMessage.item_id == item_id).order_by(ItemMessage.id)
        return list((await s.scalars(query)).all())


class TestEdits:
    async def test_an_edit_of_a_note_changes_the_item_and_is_answered_in_reply_with_its_card(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        with recorded_statements(bot_app.runtime.engine, lambda sql: "item_messages" in sql) as links:
            sent = await sandbox.say(5101, "wifi password is on the fridge", language_code="en")
            await sandbox.wait_for_text(5101, "Saved as note #1.")
        assert links == []  # the message is written on the item, in its INSERT
        await sandbox.edit(5101, sent["message_id"], "wifi password is taped to the fridge")

        reply = await next_reply(sandbox, 5101, 1)
        assert reply["text"].startswith("Updated after your edit: #1 note: wifi password is taped to the fridge")
        assert reply["reply_to_message_id"] == sent["message_id"]
        (item,) = await items_of(bot_app, 5101)
        assert (item.title, item.text) == ("wifi password is taped to the fridge",) * 2
        assert (item.chat_id, item.message_id, item.media_group_id) == (5101, sent["message_id"], None)

    async def test_an_edit_that_moves_the_time_reschedules_and_undo_brings_the_old_time_back(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        sent = await sandbox.say(5102, "call Ann tomorrow at 10:00", language_code="en")
        await sandbox.wait_for_text(5102, "10:00")
        await sandbox.edit(5102, sent["message_id"], "call Ann and Bob tomorrow at 11:30")

        reply = await next_reply(sandbox, 5102, 1)
        assert "call Ann and Bob" in reply["text"] and "11:30" in reply["text"] and "10:00" not in reply["text"]
        labels = {b["text"] for row in reply["reply_markup"]["inline_keyboard"] for b in row}
        assert any(label.endswith("Done") for label in labels) and any(label.endswith("Cancel") for label in labels)
        (item,) = await items_of(bot_app, 5102)
        assert local(item.starts_at, bot_app) == "11:30"
        assert await changes(bot_app, 5102) == [ChangeAction.CREATE, ChangeAction.RESCHEDULE]

        await sandbox.say(5102, "/undo", language_code="en")
        await next_reply(sandbox, 5102, 2)
        (item,) = await items_of(bot_app, 5102)
        assert local(item.starts_at, bot_app) == "10:00" and item.title == "call Ann and Bob"

    async def test_an_edit_that_keeps_the_time_changes_only_the_words(self, bot_app: BotServices,
                                                                       sandbox: SandboxClient) -> None:
        sent = await sandbox.say(5103, "dentist tomorrow at 9:15", language_code="en")
        await sandbox.wait_for_text(5103, "09:15")
        await sandbox.edit(5103, sent["message_id"], "dentist (bring the card) tomorrow at 9:15")

        reply = await next_reply(sandbox, 5103, 1)
        assert "bring the card" in reply["text"] and "09:15" in reply["text"]
        assert await changes(bot_app, 5103) == [ChangeAction.CREATE]  # no date changed: nothing to undo

    async def test_an_edit_of_a_message_that_made_no_item_gets_a_short_answer(self, bot_app: BotServices,
                                                                               sandbox: SandboxClient) -> None:
        sent = await sandbox.say(5104, "/help", language_code="en")
        await sandbox.wait_for_text(5104, "What I can do")
        await sandbox.edit(5104, sent["message_id"], "/help me")

        reply = await next_reply(sandbox, 5104, 1)
        assert reply["text"].startswith("I saw the edit, but this message did not make a note")
        assert reply["reply_to_message_id"] == sent["message_id"]
        assert await items_of(bot_app, 5104) == []

    async def test_an_edit_in_russian(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        sent = await sandbox.say(5105, "купить хлеб", language_code="ru")
        await sandbox.wait_for_text(5105, "#1")
        await sandbox.edit(5105, sent["message_id"], "купить хлеб и сыр")

        reply = await next_reply(sandbox, 5105, 1)
        assert reply["text"].startswith("Обновил после правки: #1") and "купить хлеб и сыр" in reply["text"]


class TestAlbums:
    async def test_an_album_is_one_item_with_all_its_photos_answered_once(self, bot_app: BotServices,
                                                                          sandbox: SandboxClient) -> None:
        album = await sandbox.album(5201, [PNG, PNG, PNG], caption="receipts from the trip", language_code="en")

        reply = await sandbox.wait_for_text(5201, "📷 3")
        assert reply["text"] == "Saved: #1 note: receipts from the trip · 📷 3"
        assert reply["reply_to_message_id"] == album["message_ids"][0]
        await asyncio.sleep(0.3)
        assert len(await sandbox.bot_messages(5201)) == 1
        sent = {m["message_id"]: m["photo"][-1]["file_id"] for m in await sandbox.messages(5201) if "photo" in m}
        (item,) = await items_of(bot_app, 5201)
        assert item.photos == [sent[message_id] for message_id in album["message_ids"]]
        assert item.text == "receipts from the trip"
        # the first photo is the item's own message, the others are linked to it
        first, *others = album["message_ids"]
        assert (item.chat_id, item.message_id) == (5201, first) and item.media_group_id
        assert await linked(bot_app, item.id) == others

    async def test_an_album_without_a_caption_gets_one_when_its_first_photo_is_edited(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        album = await sandbox.album(5202, [PNG, PNG], language_code="en")
        await sandbox.wait_for_text(5202, "Saved: #1 note: Photo · 📷 2")
        await sandbox.edit(5202, album["message_ids"][1], caption="the whiteboard after the meeting")

        reply = await next_reply(sandbox, 5202, 1)
        assert reply["text"].startswith("Updated after your edit: #1 note: the whiteboard after the meeting · 📷 2")
        (item,) = await items_of(bot_app, 5202)
        assert item.title == "the whiteboard after the meeting" and len(item.photos) == 2

    async def test_two_albums_and_a_single_photo_are_three_items(self, bot_app: BotServices,
                                                                 sandbox: SandboxClient) -> None:
        await sandbox.album(5203, [PNG, PNG], caption="first", language_code="en")
        await sandbox.album(5203, [PNG, PNG, PNG], caption="second", language_code="en")
        r = await sandbox.http.post("/photos", data={"chat_id": "5203", "language_code": "en", "caption": "third"},
                                    files={"file": ("p.png", PNG, "image/png")})
        r.raise_for_status()

        await sandbox.wait_for_text(5203, "#3 note: third · 📷 1")
        assert [(i.title, len(i.photos)) for i in await items_of(bot_app, 5203)] == [
            ("first", 2), ("second", 3), ("third", 1)]


class TestForwards:
    async def test_a_forward_from_a_channel_keeps_its_source_on_the_card(self, bot_app: BotServices,
                                                                         sandbox: SandboxClient) -> None:
        sent_at = dt.datetime(2025, 3, 14, 9, 0, tzinfo=dt.UTC)
        origin = {"type": "channel", "chat": {"id": -100777, "type": "channel", "title": "City News",
                                              "username": "citynews"},
                  "message_id": 12, "date": int(sent_at.timestamp())}
        await sandbox.say(5301, "the bridge closes for repairs", language_code="en", forward_origin=origin)

        reply = await sandbox.wait_for_text(5301, "#1")
        assert reply["text"] == ("Saved: #1 note: the bridge closes for repairs · ↪ from City News (@citynews), "
                                 "Fri 14 Mar 2025")
        (item,) = await items_of(bot_app, 5301)
        assert item.forwarded_from == "City News (@citynews)" and item.forwarded_at == sent_at
        await sandbox.say(5301, "/list", language_code="en")
        listed = await next_reply(sandbox, 5301, 1)
        assert "↪ from City News (@citynews)" in listed["text"]

    async def test_a_forward_from_a_person_answers_no_pending_question(self, bot_app: BotServices,
                                                                       sandbox: SandboxClient) -> None:
        await sandbox.say(5302, "meeting with Kim tomorrow", language_code="ru")
        await sandbox.wait_for(5302, lambda ms: len(ms) == 1)  # the question: at what time?
        await sandbox.say(5302, "в 10 утра", language_code="ru", forward_origin={
            "type": "user", "sender_user": {"id": 9, "is_bot": False, "first_name": "Kim", "username": "kim"}})

        reply = await next_reply(sandbox, 5302, 1)
        assert "↪ от Kim (@kim)" in reply["text"] and "#2" in reply["text"]
        first, second = await items_of(bot_app, 5302)
        assert first.starts_at is None and second.forwarded_from == "Kim (@kim)"


class TestMiniAppData:
    async def test_a_text_from_a_mini_app_becomes_an_item(self, bot_app: BotServices,
                                                          sandbox: SandboxClient) -> None:
        r = await sandbox.http.post("/web_app_data", json={"chat_id": 5401, "language_code": "en",
                                                           "data": json.dumps({"text": "renew the passport"}),
                                                           "button_text": "Quick note"})
        r.raise_for_status()

        reply = await sandbox.wait_for_text(5401, "Saved as note #1.")
        assert reply["reply_to_message_id"] == r.json()["message_id"]
        assert [i.title for i in await items_of(bot_app, 5401)] == ["renew the passport"]

    async def test_data_no_app_reads_gets_a_short_hint_naming_the_app(self, bot_app: BotServices,
                                                                      sandbox: SandboxClient) -> None:
        for data in ("not json", json.dumps({"cart": [1, 2]}), json.dumps({"text": "  "})):
            r = await sandbox.http.post("/web_app_data", json={"chat_id": 5402, "language_code": "en",
                                                               "data": data, "button_text": "Shop"})
            r.raise_for_status()

        msgs = await sandbox.wait_for(5402, lambda ms: len(ms) == 3)
        assert {m["text"] for m in msgs} == {"The app “Shop” sent me data I can't read. Here is what I can do: /help"}
        assert await items_of(bot_app, 5402) == []
