"""The project's own bot client (bot.telegram.client.build_bot: aiogram over its production session) through every
emulated method: aiogram parses each answer into its typed objects, and errors carry Telegram's texts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    ChatAdministratorRights,
    ChatPermissions,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputMediaDocument,
    InputMediaPhoto,
    InputPollOption,
    InputTextMessageContent,
)

from bot.telegram.client import build_bot
from core.config import Settings
from tests.conformance import telegram_texts as tg
from tests.conformance.conftest import CHAT, GROUP, World, ask_inline
from tests.support.bot import bot_settings

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000002000000030806000000")


@pytest.fixture
async def bot(settings: Settings, world: World) -> AsyncIterator[Bot]:
    client = build_bot(bot_settings(settings, world.base))
    await client.get_me()
    yield client
    await client.session.close()


async def refused(call: Awaitable[Any]) -> tuple[int, str]:
    with pytest.raises(TelegramAPIError) as caught:
        await call
    status = 400 if isinstance(caught.value, TelegramBadRequest) else 403
    return status, caught.value.message


class TestTheProjectsBot:
    async def test_messages_polls_albums_locations_and_their_errors(self, bot: Bot, world: World) -> None:
        markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Done", callback_data="done")]])
        sent = await bot.send_message(CHAT, "Pick", reply_markup=markup)
        album = await bot.send_media_group(CHAT, [
            InputMediaPhoto(media=BufferedInputFile(PNG, "a.png"), caption="album"),
            InputMediaPhoto(media=BufferedInputFile(PNG, "b.png"))])
        photo = await bot.send_photo(CHAT, BufferedInputFile(PNG, "p.png"))
        document = await bot.send_document(CHAT, BufferedInputFile(b"notes", "n.txt"))
        edited = await bot.edit_message_media(InputMediaDocument(media=document.document.file_id),
                                              chat_id=CHAT, message_id=photo.message_id)
        poll = await bot.send_poll(CHAT, "Lunch?", [InputPollOption(text="Soup"), InputPollOption(text="Salad")],
                                   is_anonymous=False)
        vote = await world.control.post("/polls/votes", json={"chat_id": CHAT, "message_id": poll.message_id,
                                                              "option_ids": [0]})
        stopped = await bot.stop_poll(CHAT, poll.message_id)
        dice = await bot.send_dice(CHAT, emoji="🎳")
        contact = await bot.send_contact(CHAT, "+15550100", "Ann")
        venue = await bot.send_venue(CHAT, 52.5, 13.4, "Office", "Main st 1")
        live = await bot.send_location(CHAT, 1, 2, live_period=600)
        moved = await bot.edit_message_live_location(1.5, 2.5, chat_id=CHAT, message_id=live.message_id)
        await bot.stop_message_live_location(chat_id=CHAT, message_id=live.message_id)
        copied = await bot.copy_messages(GROUP, CHAT, world.source_ids)
        forwarded = await bot.forward_messages(GROUP, CHAT, world.source_ids)
        drafted = await bot.send_message_draft(chat_id=CHAT, draft_id=3, text="Thinking")

        assert sent.reply_markup is not None
        assert sent.reply_markup.model_dump(exclude_none=True) == markup.model_dump(exclude_none=True)
        assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id is not None
        assert isinstance(edited, type(photo)) and edited.document is not None and edited.photo is None
        assert vote.status_code == 200
        assert stopped.is_closed and stopped.options[0].voter_count == 1
        assert dice.dice is not None and 1 <= dice.dice.value <= 6
        assert contact.contact is not None and contact.contact.first_name == "Ann"
        assert venue.venue is not None and venue.location is not None
        assert isinstance(moved, type(live)) and moved.location is not None and moved.location.latitude == 1.5
        assert len(copied) == len(forwarded) == 2 and drafted is True
        assert await refused(bot.edit_message_text("x" * 4097, chat_id=CHAT, message_id=sent.message_id)) == \
            tg.EDIT_TOO_LONG
        assert await refused(bot.send_message(CHAT, "hi", parse_mode="BBCode")) == tg.UNSUPPORTED_PARSE_MODE
        assert await refused(bot.send_message(999999, "hi")) == tg.CHAT_NOT_FOUND
        assert await refused(bot.answer_callback_query("123")) == tg.QUERY_TOO_OLD
        assert await refused(bot.set_webhook("http://bot.example.com/hook")) == tg.WEBHOOK_NOT_HTTPS
        assert await refused(bot.set_webhook("https://bot.example.com:8080/hook")) == tg.WEBHOOK_PORT
        assert await refused(bot.stop_poll(CHAT, poll.message_id)) == tg.POLL_CLOSED
        assert await refused(bot.send_poll(CHAT, "Q", [InputPollOption(text="one")])) == tg.POLL_TOO_FEW_OPTIONS
        assert await refused(bot.send_media_group(CHAT, [InputMediaPhoto(media="x")] * 11)) == tg.ALBUM_TOO_BIG
        assert await refused(bot.edit_message_live_location(3, 3, chat_id=CHAT, message_id=live.message_id)) == \
            tg.LOCATION_NOT_LIVE
        assert await refused(bot.send_location(CHAT, 1, 2, live_period=30)) == tg.LIVE_PERIOD

    async def test_inline_mode_and_chat_administration(self, bot: Bot, world: World) -> None:
        query_id = await ask_inline(world, bot.id)
        answered = await bot.answer_inline_query(query_id, [InlineQueryResultArticle(
            id="1", title="Milk", input_message_content=InputTextMessageContent(message_text="Buy milk"))])
        admins = await bot.get_chat_administrators(GROUP)
        count = await bot.get_chat_member_count(GROUP)
        banned = await bot.ban_chat_member(GROUP, 8)
        restricted = await bot.restrict_chat_member(GROUP, 8, ChatPermissions(can_send_messages=False))
        link = await bot.create_chat_invite_link(GROUP, name="friends")
        titled = await bot.set_chat_title(GROUP, "Team")
        photos = await bot.get_user_profile_photos(CHAT)
        rights = ChatAdministratorRights(
            is_anonymous=False, can_manage_chat=True, can_delete_messages=True, can_manage_video_chats=False,
            can_restrict_members=False, can_promote_members=False, can_change_info=False, can_invite_users=False,
            can_post_stories=False, can_edit_stories=False, can_delete_stories=False, can_send_welcome_messages=False)
        await bot.set_my_default_administrator_rights(rights)
        own = await bot.get_my_default_administrator_rights()
        topic = await bot.create_forum_topic(GROUP, "Plans")
        general = await bot.edit_general_forum_topic(GROUP, "Lobby")
        unpinned = await bot.unpin_all_forum_topic_messages(GROUP, topic.message_thread_id)
        stickers = await bot.get_sticker_set("SandboxStickers")
        left = await bot.leave_chat(GROUP)

        assert answered is True
        assert await refused(bot.answer_inline_query(query_id, [])) == tg.QUERY_TOO_OLD
        assert [a.status for a in admins] == ["creator", "administrator"] and count == 3
        assert banned is restricted is titled is general is unpinned is left is True
        assert link.name == "friends" and photos.total_count == 0
        assert own.can_delete_messages is True and own.can_pin_messages is False
        assert len(stickers.stickers) == 3
        assert await refused(bot.ban_chat_member(CHAT, 8)) == tg.NOT_ENOUGH_RIGHTS_PRIVATE
        assert await refused(bot.get_sticker_set("NoSuchSet")) == tg.STICKER_SET_INVALID
        assert await refused(bot.send_message(GROUP, "still here?")) == (
            403, "Forbidden: bot is not a member of the supergroup chat")
