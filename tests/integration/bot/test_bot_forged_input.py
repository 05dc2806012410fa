"""Forged button data and odd command arguments: every one is answered (a toast, a usage text, a domain error's
text) and its update is done; none goes DEAD after its retries."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from core.queue.models import InboxUpdate, QueueStatus
from core.runtime import Runtime
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient

BIG = "9" * 20  # beyond a 64-bit integer

CALLBACKS = {
    "an unknown time zone": "tz:Not/AZone",
    "a time zone no name is as long as": "tz:" + "x" * 60,
    "an unknown language": "lang:xx",
    "an item id beyond int64": f"it:done:{BIG}",
    "an unknown item action": "it:explode:1",
    "a question's item id beyond int64": f"cl:{BIG}:5",
    "a minute past the day": "cl:1:99999",
    "a filed note id beyond int64": f"tmv:{BIG}:idea",
    "an unknown class of notes": "tmv:1:nokind",
    "a reminder's item id beyond int64": f"rem:done:{BIG}",
    "an unknown reminder action": "rem:zzz:1",
    "a list page beyond int64": f"ls:all:{BIG}",
    "an unknown list kind": "ls:xx:0",
    "an unknown AI provider": "aip:ai:xx",
    "a forget-keys button that does not confirm": "aik:0",
}

COMMANDS = {
    "a voice job number beyond int64": (f"/retry {BIG}", "There is no voice message to retry."),
    "a voice job number of thousands of digits": ("/retry " + "9" * 4000, "There is no voice message to retry."),
    "a 4,090-character time zone": ("/tz " + "x" * 4090, "I don't know the time zone"),
    "an #ID beyond the #ID column": ("/done #99999999999", "Usage: /done #ID"),
    "/set with an #ID beyond the #ID column": ("/set #999999999999 10:00", "There is no #999999999999."),
    "/set with an #ID beyond int64": (f"/set #{BIG} 10:00", "Which item?"),
}


async def _updates(runtime: Runtime, chat_id: int) -> list[InboxUpdate]:
    async with runtime.session_factory() as s:
        return list((await s.scalars(select(InboxUpdate).where(InboxUpdate.chat_id == chat_id)
                                     .order_by(InboxUpdate.id))).all())


async def _all_done(runtime: Runtime, chat_id: int, count: int) -> None:
    for _ in range(300):
        rows = await _updates(runtime, chat_id)
        if len(rows) == count and all(r.status in (QueueStatus.DONE, QueueStatus.DEAD) for r in rows):
            break
        await asyncio.sleep(0.05)
    assert [(r.status, r.last_error) for r in rows] == [(QueueStatus.DONE, None)] * count


async def _answer(sandbox: SandboxClient, query_id: str) -> dict[str, Any]:
    for _ in range(300):
        answer: dict[str, Any] = (await sandbox.http.get(f"/callbacks/{query_id}")).json()
        if answer.get("answered"):
            return answer
        await asyncio.sleep(0.05)
    raise AssertionError(f"callback {query_id} was not answered")


class TestForgedButtons:
    @pytest.mark.parametrize("data", list(CALLBACKS.values()), ids=list(CALLBACKS))
    async def test_the_button_is_answered_and_its_update_done(self, data: str, bot_app: BotServices,
                                                              sandbox: SandboxClient) -> None:
        chat_id = 5100 + list(CALLBACKS.values()).index(data)
        await sandbox.say(chat_id, "a note", language_code="en")
        card = await sandbox.wait_for_text(chat_id, "#1")
        pressed = await sandbox.press(chat_id, card["message_id"], data)
        answer = await _answer(sandbox, pressed["callback_query_id"])
        assert answer["text"]  # a toast: out of date, or the refusal's text
        assert "ERR_" not in answer["text"]  # a text for people, not a bare code
        await _all_done(bot_app.runtime, chat_id, 2)


class TestOddArguments:
    @pytest.mark.parametrize("command", list(COMMANDS.values()), ids=list(COMMANDS))
    async def test_the_command_is_answered_and_its_update_done(self, command: tuple[str, str], bot_app: BotServices,
                                                               sandbox: SandboxClient) -> None:
        chat_id = 5200 + list(COMMANDS.values()).index(command)
        text, expected = command
        await sandbox.say(chat_id, text, language_code="en")
        reply = await sandbox.wait_for_text(chat_id, expected)
        assert len(reply["text"]) < 300  # the argument is not echoed back whole
        await _all_done(bot_app.runtime, chat_id, 1)
