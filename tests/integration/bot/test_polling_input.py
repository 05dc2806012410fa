"""Polling goes on past a message that PostgreSQL cannot store as it is (a NUL): that message is stored sanitised and
answered, and the other chats are answered too. (Lone surrogates, which the sandbox cannot send, are covered by
tests/integration/queue and the webhook's tests.)"""

from __future__ import annotations

from sqlalchemy import select

from core.items.models import Item
from core.runtime import Runtime
from core.users.models import User
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


async def test_a_nul_in_one_message_stops_nobody(bot_app: BotServices, sandbox: SandboxClient,
                                                 runtime: Runtime) -> None:
    await sandbox.say(9201, "milk\x00bread", first_name="Nu\x00l", language_code="en")
    await sandbox.say(9202, "eggs", language_code="en")

    for chat_id in (9201, 9202):
        assert (await sandbox.wait_for_text(chat_id, "Saved as note"))["text"] == "Saved as note #1."
    async with runtime.session_factory() as s:
        notes = {i.user_id: i.text for i in (await s.scalars(select(Item))).all()}
        names = {u.id: u.first_name for u in (await s.scalars(select(User))).all()}
    assert notes == {9201: "milk\ufffdbread", 9202: "eggs"}
    assert names[9201] == "Nu\ufffdl"
