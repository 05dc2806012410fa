"""The streamed events of answers go with the queue's retention: older than RETENTION_DAYS, in batches, but never
those of an answer still being written; the answers themselves stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.db.base import utcnow
from core.documents.models import Chat, ChatEvent, ChatMessage
from core.queue.retention import purge
from core.runtime import Runtime
from core.users.service import ensure_user

DAY = timedelta(days=1)


async def test_old_events_of_finished_answers_go(runtime: Runtime) -> None:
    now = utcnow()
    async with runtime.unit_of_work() as session:
        await ensure_user(session, 7001, first_name="u", username=None, language_code="en", default_language="en",
                          default_timezone="UTC", default_reminder_minutes=15)
        chat = Chat(user_id=7001, title="c")
        session.add(chat)
        await session.flush()
        done = ChatMessage(chat_id=chat.id, role="assistant", content="old answer", status="done")
        writing = ChatMessage(chat_id=chat.id, role="assistant", content="", status="streaming")
        session.add_all([done, writing])
        await session.flush()
        for n, age in enumerate((45, 40, 31, 29, 1)):
            session.add(ChatEvent(chat_id=chat.id, message_id=done.id, event="llm_token", data={"n": n},
                                  created_at=now - age * DAY))
        session.add(ChatEvent(chat_id=chat.id, message_id=writing.id, event="phase_started", data={"n": 9},
                              created_at=now - 60 * DAY))

    purged = await purge(runtime, runtime.settings, now=now, batch=2)  # batches smaller than what goes

    assert purged.rows["chat_events"] == 3
    async with runtime.read_only() as session:
        left = (await session.scalars(select(ChatEvent.data["n"].as_integer()).order_by(ChatEvent.id))).all()
        answers = (await session.scalars(select(ChatMessage.content).order_by(ChatMessage.id))).all()
    assert list(left) == [3, 4, 9]
    assert list(answers) == ["old answer", ""]
