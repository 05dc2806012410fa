"""Reminders through the real bot and the in-process runner: on time and once, snooze and done buttons, stale
jobs after a reschedule, and reminders that were due while the bot was down."""

from __future__ import annotations

import asyncio
import datetime as dt

from reminders_helpers import buttons, fire_jobs, make_due, new_item, press, reminders_of, running_bot, stay_quiet

from core.db.base import utcnow
from core.items import service as items
from core.items.models import Item, ItemKind, ItemStatus
from core.queue.models import QueueStatus
from core.runtime import Runtime
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


async def _item(runtime: Runtime, item_id: int) -> Item:
    async with runtime.session_factory() as s:
        item = await s.get(Item, item_id)
        assert item is not None
        return item


class TestFiring:
    async def test_a_reminder_fires_once_at_its_time(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        start = utcnow() + dt.timedelta(seconds=1.6)
        await new_item(bot_app.runtime, 5101, ItemKind.REMINDER, "call mum", start)
        await stay_quiet(sandbox, 5101, 0.5, expected=0)  # not early
        msg = await sandbox.wait_for_text(5101, "⏰ Reminder: call mum (#1)", timeout=5)
        assert utcnow() >= start.replace(microsecond=0)
        assert [b["text"] for b in buttons(msg)] == ["+10 min", "+1 h", "Tomorrow", "Done ✓"]
        assert "(late)" not in msg["text"]
        await stay_quiet(sandbox, 5101, 1.0, expected=1)  # and only once
        (job,) = await fire_jobs(bot_app.runtime)
        assert job.status == QueueStatus.DONE

    async def test_a_meeting_reminds_its_lead_time_before(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        start = utcnow() + dt.timedelta(minutes=15, seconds=1)
        await new_item(bot_app.runtime, 5102, ItemKind.MEETING, "Budget review", start, duration=30,
                       language="ru")
        msg = await sandbox.wait_for_text(5102, "⏰ Через 15 мин: #1 встреча: Budget review — ", timeout=5)
        assert [b["text"] for b in buttons(msg)] == ["+10 мин", "+1 ч", "Завтра", "Готово ✓"]

    async def test_a_rescheduled_reminder_does_not_fire_at_the_old_time(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        runtime = bot_app.runtime
        first = utcnow() + dt.timedelta(seconds=2)
        item = await new_item(runtime, 5103, ItemKind.REMINDER, "water the plants", first)
        async with runtime.unit_of_work() as s:
            await items.schedule(s, await items.owned(s, 5103, item.number), utcnow() + dt.timedelta(hours=1), None)
        await asyncio.sleep((first - utcnow()).total_seconds() + 0.6)
        old, new = await fire_jobs(runtime)
        assert old.status == QueueStatus.DONE  # it ran, saw the item had moved, and said nothing
        assert new.status == QueueStatus.NEW and new.available_at > utcnow() + dt.timedelta(minutes=59)
        assert await reminders_of(sandbox, 5103) == []

    async def test_a_reminder_said_in_chat_is_queued_for_its_time(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(5104, "напомни завтра в 21:30 позвонить маме", language_code="ru")
        await sandbox.wait_for_text(5104, "позвонить маме")
        (job,) = await fire_jobs(bot_app.runtime)
        item = await _item(bot_app.runtime, job.payload["item_id"])
        assert item.kind == ItemKind.REMINDER and item.remind_at == item.starts_at
        assert abs(job.available_at - item.starts_at) < dt.timedelta(seconds=0.1)  # type: ignore[operator]
        assert job.idempotency_key == f"remind:{item.id}:{item.starts_at.isoformat()}"  # type: ignore[union-attr]


class TestButtons:
    async def _fired(self, runtime: Runtime, sandbox: SandboxClient, chat: int) -> tuple[Item, dict[str, object]]:
        item = await new_item(runtime, chat, ItemKind.REMINDER, "pay rent", utcnow())
        return item, await sandbox.wait_for_text(chat, "⏰ Reminder: pay rent", timeout=5)

    async def test_snooze_ten_minutes_and_it_comes_back(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        runtime = bot_app.runtime
        item, msg = await self._fired(runtime, sandbox, 5201)
        await press(sandbox, 5201, msg, "+10 min")
        edited = await sandbox.wait_for_text(5201, "I will remind you again")
        assert edited["message_id"] == msg["message_id"] and not buttons(edited)
        snoozed = await _item(runtime, item.id)
        assert snoozed.remind_at is not None
        assert abs((snoozed.remind_at - utcnow()) - dt.timedelta(minutes=10)) < dt.timedelta(seconds=30)
        first, again = await fire_jobs(runtime)
        assert abs(again.available_at - snoozed.remind_at) < dt.timedelta(seconds=0.1)
        await make_due(runtime, again.id)  # ten minutes pass
        await sandbox.wait_for(5201, lambda ms: sum("⏰ Reminder: pay rent" in (m["text"] or "") for m in ms) == 2,
                               timeout=5)

    async def test_snooze_until_tomorrow_keeps_the_clock_time(self, bot_app: BotServices,
                                                              sandbox: SandboxClient) -> None:
        item, msg = await self._fired(bot_app.runtime, sandbox, 5202)
        await press(sandbox, 5202, msg, "Tomorrow")
        await sandbox.wait_for_text(5202, "I will remind you again")
        before = await _item(bot_app.runtime, item.id)
        assert before.remind_at is not None and item.remind_at is not None
        assert before.remind_at - item.remind_at == dt.timedelta(days=1)

    async def test_done_closes_the_item_and_the_snoozed_reminder(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        runtime = bot_app.runtime
        item, msg = await self._fired(runtime, sandbox, 5203)
        await press(sandbox, 5203, msg, "+1 h")
        snoozed = await sandbox.wait_for_text(5203, "I will remind you again")
        assert not buttons(snoozed)
        await press(sandbox, 5203, msg, "Done ✓")  # an old copy of the buttons still works
        await sandbox.wait_for_text(5203, "✅ Done.")
        assert (await _item(runtime, item.id)).status == ItemStatus.DONE
        _, later = await fire_jobs(runtime)
        await make_due(runtime, later.id)
        await asyncio.sleep(0.8)
        assert len(await reminders_of(sandbox, 5203)) == 1


class TestDowntime:
    async def test_a_reminder_due_while_the_bot_was_down_comes_late(
            self, runtime: Runtime, sandbox_url: str, sandbox: SandboxClient) -> None:
        async with running_bot(runtime, sandbox_url):
            item = await new_item(runtime, 5301, ItemKind.REMINDER, "take the pills",
                                  utcnow() + dt.timedelta(seconds=1.5))
        await asyncio.sleep(2.0)  # its moment passes while nothing runs
        assert await reminders_of(sandbox, 5301) == []
        async with running_bot(runtime, sandbox_url):
            await sandbox.wait_for_text(5301, "⏰ Reminder: take the pills", timeout=5)
            await stay_quiet(sandbox, 5301, 0.6, expected=1)
        assert (await _item(runtime, item.id)).status == ItemStatus.SCHEDULED

    async def test_long_downtime_says_late(self, runtime: Runtime, sandbox_url: str, sandbox: SandboxClient) -> None:
        await new_item(runtime, 5302, ItemKind.REMINDER, "stand-up", utcnow() - dt.timedelta(minutes=20))
        async with running_bot(runtime, sandbox_url):
            msg = await sandbox.wait_for_text(5302, "⏰ Reminder: stand-up", timeout=5)
        assert msg["text"].endswith("(late)")
