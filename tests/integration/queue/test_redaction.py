"""core.queue.redaction: a secret leaves the stored update in the unit of work that handles it — whether the update was
stored before its handling (a consumer's) or is stored at its end (handled as it was stored)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from core.queue import inbox
from core.queue.ingest import inbox_row
from core.queue.models import InboxUpdate
from core.queue.redaction import replace_message_text
from core.runtime import Runtime
from tests.support.sql import recorded_statements


def _update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    entity = {"type": "bot_command", "offset": 0, "length": 4}
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}, "text": text,
        "entities": [entity, {"type": "code", "offset": 12, "length": 20}]}}


async def test_the_stored_row_is_rewritten(runtime: Runtime) -> None:
    async with runtime.unit_of_work() as session:
        await inbox.enqueue_many(session, [inbox_row(_update(1, 8801, "/key openai sk-secret-value-1234"))])
    async with runtime.unit_of_work() as session:
        assert await replace_message_text(session, chat_id=8801, update_id=1, text="/key openai …1234")
    async with runtime.session_factory() as session:
        payload = await session.scalar(select(InboxUpdate.payload).where(InboxUpdate.chat_id == 8801))
    assert payload is not None
    assert payload["message"]["text"] == "/key openai …1234"
    assert payload["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 4}]  # the code span went


async def test_the_row_about_to_be_stored_is_rewritten_in_place(runtime: Runtime) -> None:
    row = inbox_row(_update(2, 8802, "/key openai sk-secret-value-5678"))
    async with runtime.unit_of_work() as session:
        session.info[inbox.STORING_KEY] = row
        with recorded_statements(runtime.engine) as seen:
            assert await replace_message_text(session, chat_id=8802, update_id=2, text="/key openai …5678")
        assert seen == []  # nothing to read: the row is not in the database yet
        assert row["payload"]["message"]["text"] == "/key openai …5678"
        assert not await replace_message_text(session, chat_id=8802, update_id=3, text="other")  # not that update
