"""Every kind of message gets an answer: an app's, or a hint to /help; a button no app takes is answered as out of
date. What the apps handle (text, voice and audio documents) is not taken from them."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from sqlalchemy import select

from core.queue.ingest import ingest
from core.queue.models import InboxUpdate, QueueStatus
from core.runtime import Runtime
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient

HINT_EN = "I can't do anything with this kind of message yet"
HINT_RU = "С такими сообщениями я пока не умею работать"
UNKNOWN_COMMAND_EN = "I don't know this command"

KINDS: dict[str, dict[str, Any]] = {
    "sticker": {"sticker": {"file_id": "CAACs", "file_unique_id": "s1", "type": "regular", "width": 512,
                            "height": 512, "is_animated": False, "is_video": False}},
    "location": {"location": {"latitude": 55.75, "longitude": 37.62}},
    "contact": {"contact": {"phone_number": "+10000000000", "first_name": "Bob"}},
    "poll": {"poll": {"id": "p1", "question": "Tea?", "total_voter_count": 0, "is_closed": False,
                      "is_anonymous": False, "type": "regular", "allows_multiple_answers": False,
                      "allows_revoting": False, "members_only": False,
                      "options": [{"persistent_id": "o1", "text": "yes", "voter_count": 0},
                                  {"persistent_id": "o2", "text": "no", "voter_count": 0}]}},
    "video": {"video": {"file_id": "BAACv", "file_unique_id": "v1", "width": 10, "height": 10, "duration": 1}},
    "animation": {"animation": {"file_id": "CgACa", "file_unique_id": "a1", "width": 10, "height": 10,
                                "duration": 1}},
    "dice": {"dice": {"emoji": "🎲", "value": 3}},
    "venue": {"venue": {"location": {"latitude": 1.0, "longitude": 2.0}, "title": "Cafe", "address": "Street 1"}},
}


def _update(update_id: int, chat_id: int, content: dict[str, Any], language: str = "en") -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": language}
    return {"update_id": update_id, "message": {"message_id": 7, "date": int(time.time()), "from": user,
                                                "chat": {"id": chat_id, "type": "private"}, **content}}


async def _statuses(runtime: Runtime, chat_id: int) -> list[str]:
    async with runtime.session_factory() as s:
        return list((await s.scalars(select(InboxUpdate.status).where(InboxUpdate.chat_id == chat_id))).all())


class TestMessagesNoAppTakes:
    @pytest.mark.parametrize("kind", sorted(KINDS))
    async def test_each_kind_gets_a_hint_to_help(self, kind: str, bot_app: BotServices,
                                                 sandbox: SandboxClient) -> None:
        chat_id = 4100 + sorted(KINDS).index(kind)
        await ingest(bot_app.runtime, [_update(1, chat_id, KINDS[kind])])
        reply = await sandbox.wait_for_text(chat_id, HINT_EN)
        assert "/help" in reply["text"] and reply["reply_to_message_id"] is None  # message 7 is not in the sandbox
        assert await _statuses(bot_app.runtime, chat_id) == [QueueStatus.DONE]

    async def test_a_document_no_app_reads_gets_the_hint_in_the_users_language(self, bot_app: BotServices,
                                                                               sandbox: SandboxClient) -> None:
        # (a photo is a note holding it: tests/integration/items/test_items_messages.py)
        r = await sandbox.http.post("/documents", data={"chat_id": "4201", "language_code": "ru"},
                                    files={"file": ("table.xlsx", b"PK not much", "application/octet-stream")})
        r.raise_for_status()
        reply = await sandbox.wait_for_text(4201, HINT_RU)
        assert reply["reply_to_message_id"] == r.json()["message_id"]
        r = await sandbox.http.post("/documents", data={"chat_id": "4202", "language_code": "en"},
                                    files={"file": ("notes.docx", b"PK not much", "application/octet-stream")})
        r.raise_for_status()
        await sandbox.wait_for_text(4202, HINT_EN)

    async def test_an_unknown_command_gets_the_hint_and_does_not_become_a_note(self, bot_app: BotServices,
                                                                              sandbox: SandboxClient) -> None:
        await sandbox.say(4203, "/nosuchcommand with words", language_code="en")
        reply = await sandbox.wait_for_text(4203, UNKNOWN_COMMAND_EN)
        assert "/help" in reply["text"]
        await sandbox.say(4203, "/help", language_code="en")
        await sandbox.wait_for_text(4203, "What I can do")
        assert [m["text"] for m in await sandbox.bot_messages(4203)][0] == reply["text"]

    async def test_a_command_for_another_bot_is_left_alone(self, bot_app: BotServices,
                                                         sandbox: SandboxClient) -> None:
        await sandbox.say(4204, "/start@some_other_bot", language_code="en")
        await sandbox.say(4204, "/nosuch@some_other_bot", language_code="en")
        await sandbox.say(4204, "a note", language_code="en")
        await sandbox.wait_for_text(4204, "Saved as note #1.")
        await asyncio.sleep(0.3)
        assert [m["text"] for m in await sandbox.bot_messages(4204)] == ["Saved as note #1."]

    async def test_a_service_message_gets_no_answer(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        joined = {"new_chat_members": [{"id": 2, "is_bot": False, "first_name": "B"}]}
        await ingest(bot_app.runtime, [_update(1, 4205, joined), _update(2, 4205, {"text": "a note"})])
        await sandbox.wait_for_text(4205, "Saved as note #1.")
        await asyncio.sleep(0.3)
        assert [m["text"] for m in await sandbox.bot_messages(4205)] == ["Saved as note #1."]


class TestWhatAppsTake:
    async def test_text_is_still_a_note_and_an_audio_document_still_the_voice_apps(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(4301, "buy milk", language_code="en")
        await sandbox.wait_for_text(4301, "#1")
        r = await sandbox.http.post("/documents", data={"chat_id": "4301", "language_code": "en"},
                                    files={"file": ("memo.ogg", b"OggS not really audio", "audio/ogg")})
        r.raise_for_status()
        await sandbox.wait_for_text(4301, "🎙")  # the voice app's progress (edited when the job has run)
        await asyncio.sleep(0.3)
        assert not any(HINT_EN in (m["text"] or "") for m in await sandbox.bot_messages(4301))


class TestButtonsNoAppTakes:
    async def test_an_unknown_button_is_answered_as_out_of_date(self, bot_app: BotServices,
                                                               sandbox: SandboxClient) -> None:
        await sandbox.say(4401, "a note", language_code="en")
        card = await sandbox.wait_for_text(4401, "#1")
        pressed = await sandbox.press(4401, card["message_id"], "no-app-knows-this")
        answer = await _answer(sandbox, pressed["callback_query_id"])
        assert answer["text"] == "This button is out of date."
        assert await _statuses(bot_app.runtime, 4401) == [QueueStatus.DONE, QueueStatus.DONE]


async def _answer(sandbox: SandboxClient, query_id: str) -> dict[str, Any]:
    for _ in range(300):
        answer: dict[str, Any] = (await sandbox.http.get(f"/callbacks/{query_id}")).json()
        if answer.get("answered"):
            return answer
        await asyncio.sleep(0.05)
    raise AssertionError(f"callback {query_id} was not answered")
