"""Repeating items through the real bot: the card says how often and what each button does; Skip and Done finish
this time only, Stop ends the series."""

from __future__ import annotations

import datetime as dt

from items_helpers import buttons, edited, items_of, press

from core.items.models import ItemStatus
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


class TestRepeatingCard:
    async def test_a_weekly_meeting_card_skip_and_stop(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(3701, "каждый понедельник в 10:00 планёрка", language_code="ru")
        card = await sandbox.wait_for_text(3701, "#1 встреча: планёрка — ")
        first_line, help_line = card["text"].split("\n")
        assert first_line.endswith(" 10:00–11:00 · 🔁 по понедельникам")
        assert help_line.startswith("✓ Готово — этот раз выполнен") and "⏭ Пропустить" in help_line
        assert [b["text"] for b in buttons(card)] == ["✓ Готово", "⏭ Пропустить", "Перенести", "✗ Стоп"]
        (item,) = await items_of(bot_app, 3701)
        assert item.recurrence == "FREQ=WEEKLY;BYDAY=MO" and item.starts_at is not None
        first = item.starts_at

        await press(sandbox, 3701, card, "⏭ Пропустить")
        skipped = await edited(sandbox, 3701, card["message_id"], "Этот раз пропущен. Следующий: #1 встреча: планёрка")
        assert "🔁 по понедельникам" in skipped["text"]
        (item,) = await items_of(bot_app, 3701)
        assert (item.status, item.starts_at) == (ItemStatus.SCHEDULED, first + dt.timedelta(days=7))

        await press(sandbox, 3701, skipped, "✗ Стоп")
        await edited(sandbox, 3701, card["message_id"], "· отменено")
        (item,) = await items_of(bot_app, 3701)
        assert item.status == ItemStatus.CANCELLED

    async def test_done_by_command_finishes_this_time_only(self, bot_app: BotServices, sandbox: SandboxClient
                                                            ) -> None:
        await sandbox.say(3702, "every Friday at 18:00 call with the team", language_code="en")
        card = await sandbox.wait_for_text(3702, "#1 meeting: call with the team — ")
        assert "· 🔁 every Friday" in card["text"]
        (item,) = await items_of(bot_app, 3702)
        first = item.starts_at
        assert first is not None
        await sandbox.say(3702, "/done #1", language_code="en")
        done = await sandbox.wait_for_text(3702, "Done for this time. Next: #1 meeting: call with the team")
        assert "/undo" in done["text"]
        (item,) = await items_of(bot_app, 3702)
        assert (item.status, item.starts_at) == (ItemStatus.SCHEDULED, first + dt.timedelta(days=7))

    async def test_skip_on_a_one_off_item_says_why(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(3703, "tomorrow at 15:00 meeting with Ann", language_code="en")
        await sandbox.wait_for_text(3703, "#1 meeting")
        await sandbox.say(3703, "/skip #1", language_code="en")
        await sandbox.wait_for_text(3703, "#1 does not repeat")
