"""/set, /done, /cancel, /undo, card buttons, /list pages, /find, /today, /week — each user sees only their own."""

from __future__ import annotations

import datetime as dt

from items_helpers import (
    buttons,
    callback_answer,
    edited,
    items_of,
    local,
    make_user,
    press,
    reply,
    zone_near_noon,
)

from core.db.base import utcnow
from core.items import service
from core.items.models import ItemStatus
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


class TestSet:
    async def test_set_schedules_an_item_and_explains_errors(self, bot_app: BotServices, sandbox: SandboxClient
                                                             ) -> None:
        await sandbox.say(3401, "idea for the talk", language_code="en")
        await sandbox.wait_for_text(3401, "Saved as note #1.")
        await sandbox.say(3401, "/set #1 tomorrow 10:30 45", language_code="en")
        await sandbox.wait_for_text(3401, "#1 note: idea for the talk — ")
        await sandbox.wait_for_text(3401, "10:30–11:15")
        await sandbox.say(3401, "/set #1", language_code="en")
        await sandbox.wait_for_text(3401, "What time? Usage: /set #ID")
        await sandbox.say(3401, "/set #9 10:00", language_code="en")
        await sandbox.wait_for_text(3401, "There is no #9.")
        await sandbox.say(3401, "/set #1 25:00", language_code="en")
        await sandbox.wait_for_text(3401, "The time must be HH or HH:MM")
        (item,) = await items_of(bot_app, 3401)
        start = local(item.starts_at)
        assert (item.status, start.hour, start.minute, item.duration_min) == ("scheduled", 10, 30, 45)
        assert start.date() == local(utcnow()).date() + dt.timedelta(days=1)


class TestDoneCancelUndo:
    async def test_commands_change_the_item_and_undo_reverts_them_in_order(self, bot_app: BotServices,
                                                                           sandbox: SandboxClient) -> None:
        await sandbox.say(3501, "завтра в 15:00 встреча с Иваном", language_code="en")
        await sandbox.wait_for_text(3501, "#1 meeting")
        for command, shown in (("/done #1", "· done"), ("/undo", "Undone. #1 meeting"), ("/cancel 1", "· cancelled"),
                               ("/undo", "Undone.")):
            answer = await reply(sandbox, 3501, command)
            assert shown in answer["text"], (command, answer["text"])
        (item,) = await items_of(bot_app, 3501)
        assert item.status == ItemStatus.SCHEDULED and local(item.starts_at).hour == 15
        answer = await reply(sandbox, 3501, "/undo")  # reverts the creation
        assert answer["text"].startswith("Undone. #1 meeting: встреча с Иваном — ")
        assert answer["text"].endswith("· cancelled")
        assert (await items_of(bot_app, 3501))[0].status == ItemStatus.CANCELLED
        assert (await reply(sandbox, 3501, "/undo"))["text"] == "Nothing to undo."

    async def test_unknown_ids_and_repeats_are_explained(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(3502, "купить хлеб", language_code="ru")
        await sandbox.wait_for_text(3502, "#1 задача")
        await sandbox.say(3502, "/done #1", language_code="ru")
        await sandbox.wait_for_text(3502, "· выполнено")
        await sandbox.say(3502, "/done #1", language_code="ru")
        await sandbox.wait_for_text(3502, "#1 уже выполнено.")
        await sandbox.say(3502, "/cancel #5", language_code="ru")
        await sandbox.wait_for_text(3502, "Записи #5 нет.")
        await sandbox.say(3502, "/done", language_code="ru")
        await sandbox.wait_for_text(3502, "Использование: /done #ID")


class TestCardButtons:
    async def test_done_edits_the_card_and_reschedule_asks_for_a_time(self, bot_app: BotServices,
                                                                      sandbox: SandboxClient) -> None:
        await sandbox.say(3601, "tomorrow at 15:00 meeting with Ann", language_code="en")
        card = await sandbox.wait_for_text(3601, "#1 meeting")
        await sandbox.say(3601, "buy milk", language_code="en")
        milk = await sandbox.wait_for_text(3601, "#2 task")
        await press(sandbox, 3601, milk, "Done")
        done = await edited(sandbox, 3601, milk["message_id"], "· done")
        assert not buttons(done)

        await press(sandbox, 3601, card, "Reschedule")
        await sandbox.wait_for_text(3601, "When should I move it?")
        await sandbox.say(3601, "at 9", language_code="en")  # ambiguous: asked again with both readings
        again = await sandbox.wait_for_text(3601, "I did not get the time.")
        assert [b["text"] for b in buttons(again)] == ["Morning 09:00", "Evening 21:00", "Cancel"]
        await sandbox.say(3601, "17:45", language_code="en")  # a time alone keeps the meeting's day
        await sandbox.wait_for_text(3601, "17:45–18:45")
        meeting, milk_item = await items_of(bot_app, 3601)
        start = local(meeting.starts_at)
        assert (start.date(), start.hour, start.minute) == (local(utcnow()).date() + dt.timedelta(days=1), 17, 45)
        assert milk_item.status == ItemStatus.DONE


class TestList:
    async def test_long_lists_page_by_editing_the_same_message(self, bot_app: BotServices, sandbox: SandboxClient
                                                               ) -> None:
        await make_user(bot_app, 3701)
        async with bot_app.runtime.unit_of_work() as s:
            for n in range(1, 13):
                await service.create_note(s, 3701, f"note number {n}")
            await service.new_item(s, 3701, "task", "a task", "a task")
        await sandbox.say(3701, "/list notes", language_code="en")
        first = await sandbox.wait_for_text(3701, "Open notes: 12 (page 1/2)")
        assert "#1 note: note number 1" in first["text"] and "#11" not in first["text"]
        assert [b["text"] for b in buttons(first)] == ["▶"]
        await press(sandbox, 3701, first, "▶")
        second = await edited(sandbox, 3701, first["message_id"], "(page 2/2)")
        assert second["text"].splitlines()[1:] == ["#11 note: note number 11", "#12 note: note number 12"]
        assert [b["text"] for b in buttons(second)] == ["◀"]
        await sandbox.say(3701, "/list", language_code="en")
        await sandbox.wait_for_text(3701, "Open items: 13 (page 1/2)")
        await sandbox.say(3701, "/list pets", language_code="en")
        await sandbox.wait_for_text(3701, "Usage: /list [tasks|meetings|notes|reminders]")


class TestFind:
    async def test_search_is_case_insensitive_and_sees_only_own_items(self, bot_app: BotServices,
                                                                      sandbox: SandboxClient) -> None:
        await make_user(bot_app, 3801)
        await make_user(bot_app, 3802)
        async with bot_app.runtime.unit_of_work() as s:
            await service.create_note(s, 3801, "Встреча с ИВАНОМ про бюджет")
            await service.create_note(s, 3801, "купить молоко")
            await service.create_note(s, 3801, "позвонить Ивану\nи спросить про 100%")
            await service.create_note(s, 3802, "Иван — чужая заметка")
        await sandbox.say(3801, "/find иван", language_code="en")
        found = await sandbox.wait_for_text(3801, "Found 2:")
        assert found["text"].splitlines()[1:] == ["#3 note: позвонить Ивану", "#1 note: Встреча с ИВАНОМ про бюджет"]
        await sandbox.say(3801, "/find 100%", language_code="en")
        await sandbox.wait_for_text(3801, "Found 1:")
        await sandbox.say(3801, "/find чужая", language_code="en")
        await sandbox.wait_for_text(3801, "Nothing found for \"чужая\".")


class TestAgenda:
    async def test_today_and_week_in_the_users_zone(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        tz = zone_near_noon()
        await make_user(bot_app, 3901, tz=tz)
        now = utcnow()
        async with bot_app.runtime.unit_of_work() as s:
            soon = await service.new_item(s, 3901, "meeting", "standup", "standup")
            await service.schedule(s, soon, now + dt.timedelta(hours=2), 30)
            later = await service.new_item(s, 3901, "meeting", "dentist", "dentist")
            await service.schedule(s, later, now + dt.timedelta(days=2), 60)
            gone = await service.new_item(s, 3901, "meeting", "cancelled one", "cancelled one")
            await service.schedule(s, gone, now + dt.timedelta(hours=1), 60)
            await service.cancel(s, gone)
        await sandbox.say(3901, "/today", language_code="en")
        today = await sandbox.wait_for_text(3901, "Today, ")
        assert today["text"].splitlines()[1].endswith("#1 meeting: standup")
        assert "dentist" not in today["text"] and "cancelled" not in today["text"]
        await sandbox.say(3901, "/week", language_code="en")
        week = await sandbox.wait_for_text(3901, "The next 7 days")
        blocks = week["text"].split("\n\n")
        assert len(blocks) == 3 and "standup" in blocks[1] and "dentist" in blocks[2]
        await sandbox.say(3902, "/today", language_code="en")
        await sandbox.wait_for_text(3902, "Nothing planned for today.")


class TestIsolation:
    async def test_another_user_cannot_touch_my_items(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(4001, "tomorrow at 15:00 meeting with Ann", language_code="en")
        card = await sandbox.wait_for_text(4001, "#1 meeting")
        await sandbox.say(4002, "/done #1", language_code="en")
        await sandbox.wait_for_text(4002, "There is no #1.")
        await sandbox.say(4002, "/undo", language_code="en")
        await sandbox.wait_for_text(4002, "Nothing to undo.")
        pressed = await press(sandbox, 4001, card, "Done", user_id=4002)  # someone else presses my card
        answer = await callback_answer(sandbox, pressed["callback_query_id"])
        assert answer["text"] == "This item is not yours, or it no longer exists."
        (item,) = await items_of(bot_app, 4001)
        assert item.status == ItemStatus.SCHEDULED
