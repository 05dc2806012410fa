"""The question rules on the real database with a fixed clock: what is asked, what is picked, what is kept."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.items import questions, service
from core.items.models import Item, ItemChange, ItemStatus, PendingClarification
from core.items.questions import Result
from core.users.service import ensure_user

TZ = "Europe/Moscow"
NOON = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # Monday 12:00 in Moscow
TTL = 600


def local(value: dt.datetime | None) -> tuple[dt.date, dt.time]:
    assert value is not None
    moment = value.astimezone(ZoneInfo(TZ))
    return moment.date(), moment.time()


async def say(session: AsyncSession, text: str, now: dt.datetime = NOON) -> questions.Outcome:
    await ensure_user(session, 77)
    return await questions.handle_text(session, 77, TZ, text, now=now, ttl=TTL)


class TestAsking:
    async def test_only_one_reading_left_today_is_taken_without_asking(self, session: AsyncSession) -> None:
        outcome = await say(session, "сегодня в 9 созвон")
        assert outcome.question is None and outcome.item.status == ItemStatus.SCHEDULED
        assert local(outcome.item.starts_at) == (dt.date(2026, 11, 23), dt.time(21))

    async def test_a_date_without_time_is_kept_for_the_answer(self, session: AsyncSession) -> None:
        asked = await say(session, "встреча с юристом в пятницу")
        assert asked.question is not None and asked.question.candidates == ["09:00", "13:00", "19:00"]
        assert asked.item.due_date == dt.date(2026, 11, 27)
        answered = await say(session, "в 10:30")
        assert answered.result == Result.SCHEDULED and answered.item.id == asked.item.id
        assert local(answered.item.starts_at) == (dt.date(2026, 11, 27), dt.time(10, 30))
        assert answered.item.due_date is None and answered.item.duration_min == 60

    async def test_a_part_of_the_day_narrows_the_offer(self, session: AsyncSession) -> None:
        asked = await say(session, "вечером встреча с Машей")
        assert asked.question is not None and asked.question.candidates == ["19:00"]

    async def test_a_task_without_a_time_is_not_asked_about(self, session: AsyncSession) -> None:
        outcome = await say(session, "купить подарок в субботу")
        assert outcome.question is None and outcome.item.due_date == dt.date(2026, 11, 28)

    async def test_a_new_question_replaces_the_old_one(self, session: AsyncSession) -> None:
        await say(session, "встреча с Иваном в 9")
        second = await say(session, "созвон с Олегом в 8")
        pending = (await session.scalars(select(PendingClarification))).all()
        assert [p.item_id for p in pending] == [second.item.id]


class TestAnswering:
    async def test_a_day_in_the_answer_leaves_one_reading(self, session: AsyncSession) -> None:
        await say(session, "встреча с Иваном в 9")
        outcome = await say(session, "сегодня")
        assert outcome.result == Result.SCHEDULED
        assert local(outcome.item.starts_at) == (dt.date(2026, 11, 23), dt.time(21))

    async def test_an_unclear_answer_asks_again_with_new_readings(self, session: AsyncSession) -> None:
        await say(session, "встреча с Иваном в 9")
        outcome = await say(session, "давай в 11")
        assert outcome.result == Result.ASKED and outcome.question is not None
        assert outcome.question.candidates == ["11:00", "23:00"]
        assert (await say(session, "утром")).result == Result.SCHEDULED

    async def test_reschedule_keeps_the_day_when_only_a_time_is_said(self, session: AsyncSession) -> None:
        created = await say(session, "в пятницу в 15:00 встреча с Иваном")
        await questions.ask_reschedule(session, 77, created.item.id, TZ, now=NOON, ttl=TTL)
        moved = await say(session, "17:45")
        assert local(moved.item.starts_at) == (dt.date(2026, 11, 27), dt.time(17, 45))
        assert moved.item.duration_min == 60

    async def test_cancel_on_a_reschedule_question_keeps_the_item(self, session: AsyncSession) -> None:
        created = await say(session, "в пятницу в 15:00 встреча с Иваном")
        await questions.ask_reschedule(session, 77, created.item.id, TZ, now=NOON, ttl=TTL)
        kept = await say(session, "отмена")
        assert kept.result == Result.KEPT and kept.item.status == ItemStatus.SCHEDULED

    async def test_an_expired_question_is_not_applied_and_other_text_is_an_item(self, session: AsyncSession) -> None:
        asked = await say(session, "встреча с Иваном в 9")
        late = NOON + dt.timedelta(seconds=TTL + 1)
        assert (await say(session, "вечером", now=late)).result == Result.EXPIRED
        assert asked.item.starts_at is None
        assert (await say(session, "21:00", now=late)).result == Result.CREATED  # the question is gone
        assert await session.scalar(select(func.count()).select_from(Item)) == 2


class TestUndoLog:
    async def test_undo_walks_back_through_changes(self, session: AsyncSession) -> None:
        created = await say(session, "встреча с Иваном в 9")
        await say(session, "вечером")
        item = await service.mark_done(session, created.item)
        assert [c.action for c in (await session.scalars(select(ItemChange).order_by(ItemChange.id))).all()] == [
            "create", "reschedule", "done"]
        _, item = await service.undo(session, 77, NOON)
        assert item.status == ItemStatus.SCHEDULED
        _, item = await service.undo(session, 77, NOON)
        assert (item.status, item.starts_at) == (ItemStatus.INBOX, None)
        _, item = await service.undo(session, 77, NOON)
        assert item.status == ItemStatus.CANCELLED


LATE = dt.datetime(2026, 11, 23, 19, 17, tzinfo=dt.UTC)  # Monday 22:17 in Moscow


class TestPassedTime:
    async def test_a_passed_time_today_is_asked_about_not_booked(self, session: AsyncSession) -> None:
        outcome = await say(session, "сегодня в 8 вечера ужин с Машей", now=LATE)
        assert outcome.question is not None and outcome.question.purpose == "past"
        assert outcome.question.candidates == ["20:00"] and outcome.question.day == dt.date(2026, 11, 23)
        assert outcome.item.status == ItemStatus.INBOX and outcome.item.starts_at is None

    async def test_the_offered_time_books_the_next_occurrence(self, session: AsyncSession) -> None:
        asked = await say(session, "сегодня в 8 вечера ужин с Машей", now=LATE)
        chosen = await questions.choose(session, 77, asked.item.id, 20 * 60, TZ, now=LATE, ttl=TTL)
        assert chosen.result == Result.SCHEDULED
        assert local(chosen.item.starts_at) == (dt.date(2026, 11, 24), dt.time(20))

    async def test_keep_books_the_moment_as_said(self, session: AsyncSession) -> None:
        asked = await say(session, "сегодня в 8 вечера ужин с Машей", now=LATE)
        kept = await questions.choose(session, 77, asked.item.id, None, TZ, now=LATE, ttl=TTL, keep=True)
        assert kept.result == Result.SCHEDULED
        assert local(kept.item.starts_at) == (dt.date(2026, 11, 23), dt.time(20))

    async def test_a_text_answer_with_a_time_ahead_is_taken(self, session: AsyncSession) -> None:
        await say(session, "сегодня в 8 вечера ужин с Машей", now=LATE)
        answered = await say(session, "в 23:00", now=LATE)
        assert answered.result == Result.SCHEDULED
        assert local(answered.item.starts_at) == (dt.date(2026, 11, 23), dt.time(23))

    async def test_cancel_cancels_the_new_item(self, session: AsyncSession) -> None:
        await say(session, "сегодня в 8 вечера ужин с Машей", now=LATE)
        assert (await say(session, "отмена", now=LATE)).item.status == ItemStatus.CANCELLED

    async def test_picking_a_passed_candidate_asks_instead_of_booking(self, session: AsyncSession) -> None:
        asked = await say(session, "встреча с юристом сегодня", now=LATE)
        assert asked.question is not None and asked.question.purpose == "time"
        picked = await questions.choose(session, 77, asked.item.id, 13 * 60, TZ, now=LATE, ttl=TTL)
        assert picked.result == Result.ASKED and picked.question is not None and picked.question.purpose == "past"
        assert picked.item.starts_at is None

    async def test_a_reschedule_into_the_past_is_asked_and_cancel_keeps_the_old_time(self, session: AsyncSession
                                                                                    ) -> None:
        created = await say(session, "завтра в 15:00 встреча с Иваном", now=LATE)
        await questions.ask_reschedule(session, 77, created.item.id, TZ, now=LATE, ttl=TTL)
        moved = await say(session, "сегодня в 9 утра", now=LATE)
        assert moved.result == Result.ASKED and moved.question is not None and moved.question.purpose == "past"
        kept = await say(session, "отмена", now=LATE)
        assert kept.result == Result.KEPT and local(kept.item.starts_at) == (dt.date(2026, 11, 24), dt.time(15))

    async def test_a_time_still_ahead_today_is_booked_at_once(self, session: AsyncSession) -> None:
        outcome = await say(session, "сегодня в 23:30 созвон", now=LATE)
        assert outcome.question is None and local(outcome.item.starts_at) == (dt.date(2026, 11, 23), dt.time(23, 30))
