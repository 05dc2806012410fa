"""An API key sent with /key does not stay at rest anywhere but encrypted: not in the chat, not in the stored
update (the inbox keeps a mask), even when the /key message is malformed."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select

from core.queue.models import InboxUpdate, QueueStatus
from core.telegram.models import OutboxMessage
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient

KEY = "sk-test-user-key-1234567890abcdef"


async def _stored_update(bot_app: BotServices, chat_id: int) -> InboxUpdate:
    for _ in range(200):
        async with bot_app.runtime.session_factory() as s:
            row = await s.scalar(select(InboxUpdate).where(InboxUpdate.chat_id == chat_id))
        if row is not None and row.status == QueueStatus.DONE:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError("the update was not handled")


async def _nowhere_in_the_database(bot_app: BotServices, secret: str) -> None:
    async with bot_app.runtime.session_factory() as s:
        updates = [json.dumps(p) for p in (await s.scalars(select(InboxUpdate.payload))).all()]
        messages = [json.dumps(p) for p in (await s.scalars(select(OutboxMessage.payload))).all()]
    assert not [text for text in updates + messages if secret in text]


class TestKeyMessage:
    async def test_the_stored_update_keeps_a_mask_of_the_key(self, bot_app: BotServices,
                                                             sandbox: SandboxClient) -> None:
        await sandbox.say(1601, f"/key openai {KEY}", language_code="en")
        await sandbox.wait_for_text(1601, "saved encrypted")
        row = await _stored_update(bot_app, 1601)
        assert row.payload["message"]["text"] == "/key openai …cdef"
        await _nowhere_in_the_database(bot_app, KEY)

    @pytest.mark.parametrize("text", [f"/key {KEY}", f"/key anthropic {KEY}", f"/key openai {KEY} extra"],
                             ids=["no provider", "an unknown provider", "a word too many"])
    async def test_a_malformed_key_message_is_deleted_and_masked_too(self, text: str, bot_app: BotServices,
                                                                     sandbox: SandboxClient) -> None:
        sent = await sandbox.say(1602, text, language_code="en")
        await sandbox.wait_for_text(1602, "Usage: /key openai")
        assert sent["message_id"] not in [m["message_id"] for m in await sandbox.messages(1602)]
        row = await _stored_update(bot_app, 1602)
        assert "…cdef" in row.payload["message"]["text"]
        await _nowhere_in_the_database(bot_app, KEY)

    async def test_deleting_a_key_keeps_the_message(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        sent = await sandbox.say(1603, "/key delete openai", language_code="en")
        await sandbox.wait_for_text(1603, "There was no such key.")
        assert sent["message_id"] in [m["message_id"] for m in await sandbox.messages(1603)]
        assert (await _stored_update(bot_app, 1603)).payload["message"]["text"] == "/key delete openai"
