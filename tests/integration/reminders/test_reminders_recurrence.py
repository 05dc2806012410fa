"""A repeating item's reminders through the real bot and the in-process runner: each occurrence reminds; Done and
Skip under the reminder finish this time and move the item on; an unanswered occurrence rolls on by itself when
the next one's reminder comes."""

from __future__ import annotations

import asyncio
import datetime as dt

from reminders_helpers import buttons, fire_jobs, make_due, press, reminders_of

from core.db.base import utcnow
from core.items import service as items
from core.items.models import Item, ItemKind, ItemStatus
from core.queue.models import QueueStatus
from core.reminders.schedule import moment
from core.runtime import Runtime
from core.users.service import ensure_user
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


async def daily_reminder(runtime: Runtime, user_id: int, title: str, start: dt.datetime) -> Item:
    async with runtime.unit_of_work() as s:
        await ensure_user(s, user_id, language_code="en")
        item = await items.new_item(s, user_id, ItemKind.REMINDER, title, title)
        item.recurrence = "FREQ=DAILY"
        await items.schedule(s, item, start, None)
    return item


async def load(runtime: Runtime, item_id: int) -> Item:
    async with runtime.session_factory() as s:
        item = await s.get(Item, item_id)
        assert item is not None
        return item


class TestEachOccurrence:
    async def test_the_next_occurrence_is_queued_when_one_fires(self, bot_app: BotServices,
                                                                 sandbox: SandboxClient) -> None:
        start = moment(utcnow())
        item = await daily_reminder(bot_app.runtime, 5601, "take pills", start)
        msg = await sandbox.wait_for_text(5601, "⏰ Reminder: take pills (#1)", timeout=5)
        assert [b["text"] for b in buttons(msg)] == ["+10 min", "+1 h", "Tomorrow", "Done ✓", "Skip ⏭"]
        first, following = await fire_jobs(bot_app.runtime)
        tomorrow = start + dt.timedelta(days=1)
        assert following.payload == {"item_id": item.id, "at": tomorrow.isoformat(), "occurrence": tomorrow.isoformat()}
        assert following.idempotency_key == f"remind:{item.id}:{tomorrow.isoformat()}"
        assert (await load(bot_app.runtime, item.id)).starts_at == start  # the item waits for Done or Skip

    async def test_done_under_the_reminder_moves_the_item_to_the_next_one(self, bot_app: BotServices,
                                                                           sandbox: SandboxClient) -> None:
        start = moment(utcnow())
        item = await daily_reminder(bot_app.runtime, 5602, "take pills", start)
        msg = await sandbox.wait_for_text(5602, "⏰ Reminder: take pills", timeout=5)
        await press(sandbox, 5602, msg, "Done ✓")
        edited = await sandbox.wait_for_text(5602, "Done for this time. Next:", timeout=5)
        assert edited["message_id"] == msg["message_id"]
        moved = await load(bot_app.runtime, item.id)
        assert (moved.status, moved.starts_at) == (ItemStatus.SCHEDULED, start + dt.timedelta(days=1))
        assert len(await fire_jobs(bot_app.runtime)) == 2  # Done queued no second job for the same moment

    async def test_skip_under_the_reminder(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        start = moment(utcnow())
        item = await daily_reminder(bot_app.runtime, 5603, "stretch", start)
        msg = await sandbox.wait_for_text(5603, "⏰ Reminder: stretch", timeout=5)
        await press(sandbox, 5603, msg, "Skip ⏭")
        await sandbox.wait_for_text(5603, "Skipped this time. Next:", timeout=5)
        assert (await load(bot_app.runtime, item.id)).starts_at == start + dt.timedelta(days=1)

    async def test_an_unanswered_occurrence_rolls_on_when_the_next_one_reminds(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        runtime = bot_app.runtime
        start = moment(utcnow())
        item = await daily_reminder(runtime, 5604, "water the plants", start)
        await sandbox.wait_for_text(5604, "⏰ Reminder: water the plants", timeout=5)
        _, following = await fire_jobs(runtime)
        await make_due(runtime, following.id)  # a day passes without Done or Skip
        await sandbox.wait_for(5604, lambda ms: len([m for m in ms if (m["text"] or "").startswith("⏰")]) == 2,
                               timeout=5)
        rolled = await load(runtime, item.id)
        assert rolled.starts_at == start + dt.timedelta(days=1) and rolled.status == ItemStatus.SCHEDULED
        jobs = await fire_jobs(runtime)
        assert len(jobs) == 3 and jobs[-1].payload["occurrence"] == (start + dt.timedelta(days=2)).isoformat()
        assert len(await reminders_of(sandbox, 5604)) == 2

    async def test_a_stopped_series_reminds_no_more(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        runtime = bot_app.runtime
        item = await daily_reminder(runtime, 5605, "feed the cat", moment(utcnow()))
        await sandbox.wait_for_text(5605, "⏰ Reminder: feed the cat", timeout=5)
        async with runtime.unit_of_work() as s:
            await items.cancel(s, await items.owned(s, 5605, item.number))
        _, following = await fire_jobs(runtime)
        await make_due(runtime, following.id)
        for _ in range(50):  # the runner picks the due job up
            if (await fire_jobs(runtime))[-1].status == QueueStatus.DONE:
                break
            await asyncio.sleep(0.1)
        assert (await fire_jobs(runtime))[-1].status == QueueStatus.DONE
        assert len(await reminders_of(sandbox, 5605)) == 1
        assert (await load(runtime, item.id)).status == ItemStatus.CANCELLED
