"""Repeating items on the real database with a fixed clock: the rule is kept, Done and Skip move the item to the
next occurrence (and /undo brings it back), Cancel stops the series."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.items import questions, service
from core.items.models import ItemChange, ItemStatus
from core.items.questions import Result
from core.items.service import ItemError
from core.users.service import ensure_user

TZ = "Europe/Moscow"
NOON = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)  # Tuesday 12:00 in Moscow
TTL = 600


def local(value: dt.datetime | None) -> tuple[dt.date, dt.time]:
    assert value is not None
    moment = value.astimezone(ZoneInfo(TZ))
    return moment.date(), moment.time()


async def say(session: AsyncSession, text: str, now: dt.datetime = NOON) -> questions.Outcome:
    await ensure_user(session, 88)
    return await questions.handle_text(session, 88, TZ, text, now=now, ttl=TTL)


class TestCapture:
    async def test_the_rule_and_the_first_occurrence_are_kept(self, session: AsyncSession) -> None:
        outcome = await say(session, "каждый понедельник в 10:00 планёрка")
        item = outcome.item
        assert (item.kind, item.status, item.title) == ("meeting", ItemStatus.SCHEDULED, "планёрка")
        assert item.recurrence == "FREQ=WEEKLY;BYDAY=MO"
        assert local(item.starts_at) == (dt.date(2026, 11, 30), dt.time(10))

    async def test_a_day_only_repeat_is_due_on_its_first_day(self, session: AsyncSession) -> None:
        item = (await say(session, "каждое 1-е число оплатить аренду")).item
        assert (item.kind, item.status, item.due_date) == ("task", ItemStatus.INBOX, dt.date(2026, 12, 1))
        assert item.recurrence == "FREQ=MONTHLY;BYMONTHDAY=1"

    async def test_an_answered_hour_starts_at_its_first_occurrence(self, session: AsyncSession) -> None:
        asked = await say(session, "напомни каждый день в 9 выпить таблетки")
        assert asked.question is not None and asked.question.candidates == ["09:00", "21:00"]
        answered = await say(session, "утром")
        assert answered.result == Result.SCHEDULED and answered.item.recurrence == "FREQ=DAILY"
        assert local(answered.item.starts_at) == (dt.date(2026, 11, 25), dt.time(9))  # 09:00 today has passed

    async def test_a_note_does_not_repeat(self, session: AsyncSession) -> None:
        item = (await say(session, "идея: каждый понедельник")).item
        assert item.kind == "note" and item.recurrence is None


class TestOccurrences:
    async def test_done_completes_this_time_and_moves_to_the_next(self, session: AsyncSession) -> None:
        item = (await say(session, "каждый понедельник в 10:00 планёрка")).item
        await service.mark_done(session, item, NOON)
        assert item.status == ItemStatus.SCHEDULED and local(item.starts_at) == (dt.date(2026, 12, 7), dt.time(10))
        actions = [c.action for c in (await session.scalars(select(ItemChange).order_by(ItemChange.id))).all()]
        assert actions == ["create", "done"]
        _, undone = await service.undo(session, 88, NOON)
        assert local(undone.starts_at) == (dt.date(2026, 11, 30), dt.time(10))

    async def test_skip_moves_to_the_next_without_doing_it(self, session: AsyncSession) -> None:
        item = (await say(session, "по будням в 8:30 стендап")).item
        assert local(item.starts_at) == (dt.date(2026, 11, 25), dt.time(8, 30))
        await service.skip(session, item, NOON)
        assert local(item.starts_at) == (dt.date(2026, 11, 26), dt.time(8, 30))
        last = await session.scalar(select(ItemChange).order_by(ItemChange.id.desc()).limit(1))
        assert last is not None and last.action == "skip"

    async def test_done_after_missed_weeks_goes_to_the_next_one_ahead(self, session: AsyncSession) -> None:
        item = (await say(session, "каждый понедельник в 10:00 планёрка")).item
        later = NOON + dt.timedelta(days=20)  # Monday Dec 14 12:00: Nov 30 and Dec 7 went by
        await service.mark_done(session, item, later)
        assert local(item.starts_at) == (dt.date(2026, 12, 21), dt.time(10))

    async def test_a_day_only_repeat_moves_by_its_rule(self, session: AsyncSession) -> None:
        item = (await say(session, "каждое 1-е число оплатить аренду")).item
        await service.mark_done(session, item, NOON)
        assert (item.status, item.due_date) == (ItemStatus.INBOX, dt.date(2027, 1, 1))

    async def test_cancel_stops_the_series(self, session: AsyncSession) -> None:
        item = (await say(session, "каждый понедельник в 10:00 планёрка")).item
        await service.cancel(session, item)
        assert item.status == ItemStatus.CANCELLED
        with pytest.raises(ItemError) as error:
            await service.skip(session, item, NOON)
        assert error.value.code == "ERR_ITEM_NOT_REPEATING"

    async def test_skip_on_a_one_off_item_is_refused(self, session: AsyncSession) -> None:
        item = (await say(session, "завтра в 15:00 встреча с Иваном")).item
        with pytest.raises(ItemError) as error:
            await service.skip(session, item, NOON)
        assert error.value.code == "ERR_ITEM_NOT_REPEATING"
        await service.mark_done(session, item, NOON)
        assert item.status == ItemStatus.DONE  # a one-off Done is as before
