"""/remind and /agenda through the real bot, and the daily agenda job (today's plan, then tomorrow's job)."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from reminders_helpers import fire_jobs, make_due, new_item, reminders_of

from core.db.base import utcnow
from core.items.models import Item, ItemKind
from core.reminders import agenda
from core.users.models import User
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient

MOSCOW = ZoneInfo("Europe/Moscow")


async def _user(app: BotServices, user_id: int) -> User:
    async with app.runtime.session_factory() as s:
        user = await s.get(User, user_id)
        assert user is not None
        return user


class TestRemindCommand:
    async def test_changing_the_lead_time_moves_queued_reminders(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        start = (utcnow() + dt.timedelta(hours=3)).replace(microsecond=0)
        meeting = await new_item(bot_app.runtime, 7101, ItemKind.MEETING, "Planning", start, duration=60)
        await sandbox.say(7101, "/remind", language_code="en")
        await sandbox.wait_for_text(7101, "I remind you 15 min before each meeting")
        await sandbox.say(7101, "/remind 45", language_code="en")
        await sandbox.wait_for_text(7101, "Done: I will remind you 45 min before each meeting.")
        assert (await _user(bot_app, 7101)).reminder_minutes == 45
        async with bot_app.runtime.session_factory() as s:
            moved = await s.get(Item, meeting.id)
        assert moved is not None and moved.remind_at == start - dt.timedelta(minutes=45)
        keys = [job.idempotency_key for job in await fire_jobs(bot_app.runtime)]
        assert keys[-1] == f"remind:{meeting.id}:{moved.remind_at.isoformat()}"

    async def test_off_and_nonsense(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(7102, "/remind 0", language_code="ru")
        await sandbox.wait_for_text(7102, "Готово: без напоминаний перед встречами.")
        await new_item(bot_app.runtime, 7102, ItemKind.MEETING, "Demo", utcnow() + dt.timedelta(hours=2))
        assert await fire_jobs(bot_app.runtime) == []
        await sandbox.say(7102, "/remind soon", language_code="ru")
        await sandbox.wait_for_text(7102, "Пришлите число минут")


class TestAgendaCommand:
    async def test_set_shows_the_next_one_and_queues_it(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(7201, "/agenda 8:30", language_code="en")
        await sandbox.wait_for_text(7201, "Done: your agenda comes every day at 08:30 (Europe/Moscow); the next one")
        assert (await _user(bot_app, 7201)).agenda_time == "08:30"
        (job,) = await fire_jobs(bot_app.runtime, agenda.AGENDA_JOB)
        local = job.available_at.astimezone(MOSCOW)
        assert (local.hour, local.minute) == (8, 30)
        assert utcnow() < job.available_at < utcnow() + dt.timedelta(days=1)
        await sandbox.say(7201, "/agenda", language_code="en")
        await sandbox.wait_for_text(7201, "Your agenda comes every day at 08:30")
        await sandbox.say(7201, "/agenda 25:00", language_code="en")
        await sandbox.wait_for_text(7201, "Send the time as HH:MM")

    async def test_the_agenda_lists_today_and_queues_tomorrow(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        runtime = bot_app.runtime
        today = utcnow().astimezone(MOSCOW).date()
        early = dt.datetime.combine(today, dt.time(0, 30), tzinfo=MOSCOW).astimezone(dt.UTC)
        await new_item(runtime, 7202, ItemKind.MEETING, "Standup", early, duration=15)
        await sandbox.say(7202, "/agenda 07:00", language_code="en")
        await sandbox.wait_for_text(7202, "Done: your agenda")
        async with runtime.unit_of_work() as s:  # today's run (queued already if 07:00 is still ahead)
            await agenda.enqueue_agenda(s, 7202, today, "07:00", utcnow(), utcnow())
        (todays,) = [j for j in await fire_jobs(runtime, agenda.AGENDA_JOB) if j.payload["day"] == today.isoformat()]
        await make_due(runtime, todays.id)  # it is 07:00 (the test cannot wait for it)
        msg = await sandbox.wait_for_text(7202, "🗓 Today, ", timeout=5)
        assert "00:30–00:45 #1 meeting: Standup" in msg["text"]
        keys = {job.idempotency_key for job in await fire_jobs(runtime, agenda.AGENDA_JOB)}
        assert f"agenda:7202:{(today + dt.timedelta(days=1)).isoformat()}:07:00" in keys

    async def test_off_silences_the_queued_agenda(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(7203, "/agenda 09:15", language_code="ru")
        await sandbox.wait_for_text(7203, "Готово: план на день будет приходить в 09:15")
        await sandbox.say(7203, "/agenda off", language_code="ru")
        await sandbox.wait_for_text(7203, "Готово: план на день больше не приходит.")
        (job,) = await fire_jobs(bot_app.runtime, agenda.AGENDA_JOB)
        await make_due(bot_app.runtime, job.id)
        await asyncio.sleep(0.8)
        assert await reminders_of(sandbox, 7203) == []
        (ran,) = await fire_jobs(bot_app.runtime, agenda.AGENDA_JOB)  # and no next day queued
        assert ran.status == "DONE"
