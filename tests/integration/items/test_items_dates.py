"""Dates as the user writes them, through the real bot: clock words, counts that are no time, a time already
past today, and a date in another language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from items_helpers import buttons, edited, items_of, local, make_user, press, zone_near_noon

from core.items.models import ItemKind, ItemStatus
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


class TestClockWords:
    async def test_without_five_six_in_the_evening_is_17_55(self, bot_app: BotServices, sandbox: SandboxClient
                                                             ) -> None:
        await sandbox.say(3601, "завтра без пяти шесть вечера созвон с Олегом", language_code="ru")
        card = await sandbox.wait_for_text(3601, "#1 встреча: созвон с Олегом — ")
        assert card["text"].endswith(" 17:55–18:55")

    async def test_a_quarter_past_is_asked_as_a_bare_hour(self, bot_app: BotServices, sandbox: SandboxClient
                                                           ) -> None:
        await sandbox.say(3602, "call with Bob tomorrow at a quarter past six", language_code="en")
        question = await sandbox.wait_for_text(3602, "What time?")
        assert [b["text"] for b in buttons(question)] == ["Morning 06:15", "Evening 18:15", "Cancel"]


class TestCountsAreNoTime:
    async def test_two_shops_is_a_task_without_a_question(self, bot_app: BotServices, sandbox: SandboxClient
                                                           ) -> None:
        await sandbox.say(3611, "надо зайти в 2 магазина", language_code="ru")
        card = await sandbox.wait_for_text(3611, "#1 задача: надо зайти в 2 магазина")
        assert "Во сколько" not in card["text"]
        (item,) = await items_of(bot_app, 3611)
        assert (item.kind, item.status, item.starts_at) == (ItemKind.TASK, ItemStatus.INBOX, None)


class TestPassedTime:
    async def test_a_time_past_today_asks_and_tomorrow_books_the_next_one(self, bot_app: BotServices,
                                                                          sandbox: SandboxClient) -> None:
        zone = zone_near_noon()  # it is about noon there, so 9 in the morning has passed
        await make_user(bot_app, 3621, "en", zone)
        await sandbox.say(3621, "today at 9am call with the bank", language_code="en")
        question = await sandbox.wait_for_text(3621, "has already passed")
        assert "today 09:00 has already passed" in question["text"]
        assert [b["text"] for b in buttons(question)] == ["tomorrow 09:00", "Keep today 09:00", "Cancel"]
        (item,) = await items_of(bot_app, 3621)
        assert (item.status, item.starts_at) == (ItemStatus.INBOX, None)

        await press(sandbox, 3621, question, "tomorrow 09:00")
        card = await edited(sandbox, 3621, question["message_id"], "09:00–10:00")
        assert "passed" not in card["text"]
        (item,) = await items_of(bot_app, 3621)
        tomorrow = dt.datetime.now(ZoneInfo(zone)).date() + dt.timedelta(days=1)
        assert item.status == ItemStatus.SCHEDULED
        assert (local(item.starts_at, zone).date(), local(item.starts_at, zone).hour) == (tomorrow, 9)

    async def test_keep_books_it_as_said(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        zone = zone_near_noon()
        await make_user(bot_app, 3622, "ru", zone)
        await sandbox.say(3622, "сегодня в 9 утра созвон с банком", language_code="ru")
        question = await sandbox.wait_for_text(3622, "уже прошло")
        await press(sandbox, 3622, question, "Оставить")
        await edited(sandbox, 3622, question["message_id"], "09:00–10:00")
        (item,) = await items_of(bot_app, 3622)
        assert local(item.starts_at, zone).date() == dt.datetime.now(ZoneInfo(zone)).date()


class TestOtherLanguages:
    async def test_a_french_date_is_read(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(3631, "rendez-vous demain à 15h dentiste", language_code="en")
        card = await sandbox.wait_for_text(3631, "#1 meeting: rendez-vous dentiste — ")
        assert card["text"].endswith(" 15:00–16:00")
