"""grammY (Node), a client library unrelated to the project, through every emulated method: the answers carry
documented fields only, and errors are Telegram's own texts (telegram_texts.py)."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conformance import telegram_texts as tg
from tests.conformance.conftest import CHAT, GROUP, World, ask_inline
from tests.conftest import IN_CI

HERE = Path(__file__).parent
TOKEN = "5151:GRAMMY-conformance"
NODE = shutil.which("node")


def _require_grammy() -> str:
    reason = None
    if NODE is None:
        reason = "node is not installed"
    elif not (HERE / "node_modules" / "grammy").is_dir():
        reason = "grammY is not installed (cd tests/conformance && npm ci)"
    if reason is not None:
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    assert NODE is not None
    return NODE


async def run_grammy(world: World) -> dict[str, Any]:
    node = _require_grammy()
    inline_query_id = await ask_inline(world, int(TOKEN.split(":")[0]))
    process = await asyncio.create_subprocess_exec(
        node, str(HERE / "grammy_scenario.mjs"), world.base, TOKEN, str(CHAT), str(GROUP),
        ",".join(map(str, world.source_ids)), inline_query_id,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    result: dict[str, Any] = json.loads(stdout)
    return result


def fails(outcome: dict[str, Any]) -> tuple[int, str]:
    assert not outcome["ok"], outcome
    return outcome["error_code"], outcome["description"]


def ok(outcome: dict[str, Any]) -> Any:
    assert outcome["ok"], outcome
    return outcome["result"]


async def test_grammy_gets_telegrams_answers_from_every_method(world: World) -> None:
    steps = await run_grammy(world)
    messages = (await world.control.get(f"/chats/{CHAT}/messages")).json()

    # only documented fields come back, and the transcript keeps no more
    assert ok(steps["sendMessage"])["reply_markup"] == {"inline_keyboard": [[{"text": "Done",
                                                                               "callback_data": "done"}]]}
    assert messages[2]["reply_markup"] == {"inline_keyboard": [[{"text": "Done", "callback_data": "done"}]]}
    # error texts, word for word
    assert fails(steps["badToken"]) == tg.INVALID_TOKEN
    assert fails(steps["editTooLong"]) == tg.EDIT_TOO_LONG
    assert fails(steps["badParseMode"]) == tg.UNSUPPORTED_PARSE_MODE
    assert fails(steps["badReplyMarkup"]) == tg.BAD_REPLY_MARKUP
    assert fails(steps["chatNotFound"]) == tg.CHAT_NOT_FOUND
    assert fails(steps["oldCallback"]) == tg.QUERY_TOO_OLD
    assert fails(steps["httpWebhook"]) == tg.WEBHOOK_NOT_HTTPS
    assert fails(steps["webhookPort"]) == tg.WEBHOOK_PORT
    assert fails(steps["albumTooBig"]) == tg.ALBUM_TOO_BIG
    assert fails(steps["pollOneOption"]) == tg.POLL_TOO_FEW_OPTIONS
    assert fails(steps["stopPollAgain"]) == tg.POLL_CLOSED
    assert fails(steps["editStoppedLocation"]) == tg.LOCATION_NOT_LIVE
    assert fails(steps["livePeriod"]) == tg.LIVE_PERIOD
    assert fails(steps["answerInlineQueryAgain"]) == tg.QUERY_TOO_OLD
    assert fails(steps["banInPrivate"]) == tg.NOT_ENOUGH_RIGHTS_PRIVATE
    assert fails(steps["emptyTitle"]) == tg.CHAT_TITLE_EMPTY
    assert fails(steps["noStickerSet"]) == tg.STICKER_SET_INVALID
    assert fails(steps["afterLeaving"]) == (403, "Forbidden: bot is not a member of the supergroup chat")
    # what each method returns
    album = ok(steps["sendMediaGroup"])
    assert len(album) == 2 and album[0]["media_group_id"] == album[1]["media_group_id"]
    assert ok(steps["editMessageMedia"])["document"]["file_name"] == "n.txt"
    assert ok(steps["stopPoll"])["is_closed"] is True
    assert ok(steps["sendDice"])["dice"]["emoji"] == "🎯"
    assert ok(steps["sendContact"])["contact"] == {"phone_number": "+15550100", "first_name": "Ann"}
    assert ok(steps["sendVenue"])["venue"]["address"] == "Main st 1"
    assert ok(steps["editMessageLiveLocation"])["location"]["latitude"] == 1.5
    assert "live_period" not in ok(steps["stopMessageLiveLocation"])["location"]
    assert len(ok(steps["copyMessages"])) == len(ok(steps["forwardMessages"])) == 2
    assert ok(steps["sendMessageDraft"]) is True
    assert ok(steps["answerInlineQuery"]) is True
    assert [a["status"] for a in ok(steps["getChatAdministrators"])] == ["creator", "administrator"]
    assert ok(steps["getChatMemberCount"]) == 3
    assert ok(steps["banChatMember"]) is True and ok(steps["restrictChatMember"]) is True
    assert ok(steps["createChatInviteLink"])["name"] == "friends"
    assert ok(steps["setChatTitle"]) is True
    assert ok(steps["getUserProfilePhotos"]) == {"total_count": 0, "photos": []}
    assert ok(steps["getMyDefaultAdministratorRights"])["can_delete_messages"] is True
    assert ok(steps["editGeneralForumTopic"]) is True and ok(steps["unpinAllForumTopicMessages"]) is True
    assert len(ok(steps["getStickerSet"])["stickers"]) == 3
    assert ok(steps["leaveChat"]) is True
