"""Items publish what happened; calendar, reminders and topics subscribe (secretary.apps) and queue their jobs in
the same unit of work as the change."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.db.engine import SessionFactory
from core.items import events, service
from core.items.events import ItemEvent
from core.items.models import Item
from core.items.questions import capture
from core.queue.models import Job
from core.runtime import Runtime
from tests.support.users import add_user

# the reminders listener compares with the real clock: "tomorrow at 15:00" must stay ahead of it (a fixed date here
# made these tests fail from the day after it on)
NOW = dt.datetime.now(dt.UTC).replace(hour=9, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
USER = 6101


@pytest.fixture
async def user(session_factory: SessionFactory) -> int:
    return await add_user(session_factory, USER)


async def job_kinds(session_factory: SessionFactory) -> list[str]:
    async with session_factory() as s:
        return list(await s.scalars(select(Job.kind).order_by(Job.id)))


class TestListeners:
    async def test_a_note_is_filed_and_a_meeting_synced_and_reminded(self, runtime: Runtime, user: int) -> None:
        async with runtime.unit_of_work() as s:
            await capture(s, user, "UTC", "an idea about the garden", now=NOW, ttl=600)
            await capture(s, user, "UTC", "meeting with Ivan tomorrow at 15:00", now=NOW, ttl=600)
        # the filing job goes in at the commit (enqueue_at_commit), after the meeting's own; it embeds the user's new
        # texts, the meeting's too: no embedding job
        assert await job_kinds(runtime.session_factory) == ["calendar.sync", "reminders.fire", "topics.file"]

    async def test_done_takes_the_reminder_away(self, runtime: Runtime, user: int) -> None:
        async with runtime.unit_of_work() as s:
            outcome = await capture(s, user, "UTC", "meeting with Ivan tomorrow at 15:00", now=NOW, ttl=600)
            assert outcome.item.remind_at is not None
            await service.mark_done(s, outcome.item)
            assert outcome.item.remind_at is None

    async def test_jobs_of_a_rolled_back_change_are_gone_with_it(self, runtime: Runtime, user: int) -> None:
        with pytest.raises(RuntimeError):
            async with runtime.unit_of_work() as s:
                await capture(s, user, "UTC", "an idea about the garden", now=NOW, ttl=600)
                raise RuntimeError("the handler failed")
        assert await job_kinds(runtime.session_factory) == []


class TestRegistry:
    async def test_listeners_hear_their_events_once_in_order(self, runtime: Runtime, user: int,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
        heard: list[tuple[str, int]] = []

        async def first(_session: object, item: Item) -> None:
            heard.append(("first", item.number))

        async def second(_session: object, item: Item) -> None:
            heard.append(("second", item.number))

        for event in ItemEvent:
            monkeypatch.setitem(events._listeners, event, [])  # noqa: SLF001 (only these two listen here)
        events.subscribe(first, ItemEvent.DONE)
        events.subscribe(second, ItemEvent.DONE, ItemEvent.CHANGED)
        events.subscribe(first, ItemEvent.DONE)  # again: still once
        async with runtime.unit_of_work() as s:
            item = (await capture(s, user, "UTC", "buy bread", now=NOW, ttl=600)).item
            await service.mark_done(s, item)
            assert heard == [("first", item.number), ("second", item.number)]
            await service.undo(s, user, NOW)
            assert heard[-1] == ("second", item.number)
            assert len(heard) == 3
