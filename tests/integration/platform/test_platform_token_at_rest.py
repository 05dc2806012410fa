"""The reply that carries a /token is the only place the token is written in clear; once Telegram has it, the
outbox row keeps no copy."""

from __future__ import annotations

import asyncio
import json
import re

from sqlalchemy import select

from core.telegram.models import OutboxMessage, OutboxStatus
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


async def test_the_token_reply_is_redacted_once_sent(bot_app: BotServices, sandbox: SandboxClient) -> None:
    await sandbox.say(1701, "/token", language_code="en")
    reply = await sandbox.wait_for_text(1701, "Your API token")
    token = re.search(r"st_\S+", reply["text"])
    assert token is not None
    for _ in range(200):
        async with bot_app.runtime.session_factory() as s:
            rows = (await s.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == 1701))).all()
        if rows and all(r.status == OutboxStatus.SENT for r in rows):
            break
        await asyncio.sleep(0.05)
    assert [r.status for r in rows] == [OutboxStatus.SENT]
    assert token[0] not in json.dumps(rows[0].payload) and rows[0].payload["text"] == "[redacted]"
