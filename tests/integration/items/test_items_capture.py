"""Text becomes an item through the real bot; a missing or ambiguous time is asked, once, with buttons."""

from __future__ import annotations

from items_helpers import buttons, callback_answer, edited, items_of, local, press

from core.items.models import ItemKind, ItemStatus
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


class TestScheduledMeeting:
    async def test_meeting_with_a_time_is_scheduled_with_a_card(self, bot_app: BotServices, sandbox: SandboxClient
                                                                ) -> None:
        await sandbox.say(3001, "завтра в 15:00 встреча с Иваном", language_code="en")
        card = await sandbox.wait_for_text(3001, "#1 meeting: встреча с Иваном — ")
        assert card["text"].endswith(" 15:00–16:00")
        assert [b["text"] for b in buttons(card)] == ["✓ Done", "Reschedule", "✗ Cancel"]
        (item,) = await items_of(bot_app, 3001)
        assert (item.kind, item.status, item.duration_min) == (ItemKind.MEETING, ItemStatus.SCHEDULED, 60)
        assert (local(item.starts_at).hour, local(item.starts_at).minute) == (15, 0)

    async def test_a_reminder_and_a_task(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(3002, "напомни завтра в 21:30 позвонить маме", language_code="ru")
        await sandbox.wait_for_text(3002, "#1 напоминание: позвонить маме — ")
        await sandbox.say(3002, "купить молоко", language_code="ru")
        task = await sandbox.wait_for_text(3002, "#2 задача: купить молоко")
        assert "✓ Готово" in [b["text"] for b in buttons(task)]
        reminder, bought = await items_of(bot_app, 3002)
        assert (reminder.kind, reminder.status, local(reminder.starts_at).hour) == ("reminder", "scheduled", 21)
        assert (bought.kind, bought.status, bought.starts_at) == ("task", "inbox", None)


class TestAmbiguousHour:
    async def test_buttons_show_both_times_and_evening_schedules_21(self, bot_app: BotServices,
                                                                     sandbox: SandboxClient) -> None:
        await sandbox.say(3101, "встреча с Иваном в 9", language_code="ru")
        question = await sandbox.wait_for_text(3101, "Во сколько?")
        assert question["text"].startswith("#1 встреча: встреча с Иваном")
        assert [b["text"] for b in buttons(question)] == ["Утро 09:00", "Вечер 21:00", "Отменить"]
        (item,) = await items_of(bot_app, 3101)
        assert (item.status, item.starts_at) == (ItemStatus.INBOX, None)

        await press(sandbox, 3101, question, "Вечер")
        card = await edited(sandbox, 3101, question["message_id"], "21:00–22:00")
        assert "Во сколько" not in card["text"] and "✓ Готово" in [b["text"] for b in buttons(card)]
        (item,) = await items_of(bot_app, 3101)
        assert item.status == ItemStatus.SCHEDULED and local(item.starts_at).hour == 21

    async def test_cancel_button_cancels_the_new_meeting(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(3102, "call with Bob at 8", language_code="en")
        question = await sandbox.wait_for_text(3102, "What time?")
        await press(sandbox, 3102, question, "Cancel")
        await edited(sandbox, 3102, question["message_id"], "· cancelled")
        (item,) = await items_of(bot_app, 3102)
        assert item.status == ItemStatus.CANCELLED


class TestSecondTap:
    async def test_a_time_tapped_twice_keeps_the_card_and_its_buttons(self, bot_app: BotServices,
                                                                      sandbox: SandboxClient) -> None:
        await sandbox.say(3103, "call with Bob at 8", language_code="en")
        question = await sandbox.wait_for_text(3103, "What time?")
        first = await press(sandbox, 3103, question, "Evening")
        second = await press(sandbox, 3103, question, "Evening")  # a double tap: both before the card changed
        await callback_answer(sandbox, first["callback_query_id"])
        toast = await callback_answer(sandbox, second["callback_query_id"])
        assert toast["text"] == "This question is closed already: the card shows what is set."
        card = await edited(sandbox, 3103, question["message_id"], "20:00–21:00")
        await sandbox.say(3103, "/help", language_code="en")  # whatever the second tap did is sent by now
        await sandbox.wait_for_text(3103, "What I can do")
        card = next(m for m in await sandbox.bot_messages(3103) if m["message_id"] == question["message_id"])
        assert "expired" not in card["text"] and "20:00–21:00" in card["text"]
        assert [b["text"] for b in buttons(card)] == ["✓ Done", "Reschedule", "✗ Cancel"]


class TestPendingAnswer:
    async def test_a_text_answer_schedules_and_creates_nothing(self, bot_app: BotServices, sandbox: SandboxClient
                                                               ) -> None:
        await sandbox.say(3201, "созвон с Олегом в 10", language_code="en")
        await sandbox.wait_for_text(3201, "What time?")
        await sandbox.say(3201, "в 10:30", language_code="en")
        card = await sandbox.wait_for_text(3201, "10:30–11:30")
        assert card["text"].startswith("#1 meeting: созвон с Олегом")
        (item,) = await items_of(bot_app, 3201)
        assert item.status == ItemStatus.SCHEDULED and (local(item.starts_at).hour, local(item.starts_at).minute) \
            == (10, 30)

    async def test_a_text_answer_takes_the_buttons_off_the_question(self, bot_app: BotServices,
                                                                   sandbox: SandboxClient) -> None:
        await sandbox.say(3204, "call with Kim at 7", language_code="en")
        question = await sandbox.wait_for_text(3204, "What time?")
        assert buttons(question)
        await sandbox.say(3204, "evening", language_code="en")
        await sandbox.wait_for_text(3204, "19:00–")
        msgs = await sandbox.wait_for(3204, lambda ms: any(
            m["message_id"] == question["message_id"] and not buttons(m) for m in ms))
        asked = next(m for m in msgs if m["message_id"] == question["message_id"])
        assert asked["text"] == question["text"]  # the question stays readable; only its buttons are gone

    async def test_an_unclear_answer_replaces_the_buttons_with_new_ones(self, bot_app: BotServices,
                                                                       sandbox: SandboxClient) -> None:
        await sandbox.say(3205, "встреча с юристом послезавтра", language_code="ru")
        first = await sandbox.wait_for_text(3205, "Во сколько?")
        count = len(await sandbox.bot_messages(3205))
        await sandbox.say(3205, "в 9", language_code="ru")  # still two readings: asked again
        msgs = await sandbox.wait_for(3205, lambda ms: len(ms) > count)
        again = msgs[count]
        assert [b["text"] for b in buttons(again)] == ["Утро 09:00", "Вечер 21:00", "Отменить"]
        msgs = await sandbox.wait_for(3205, lambda ms: any(
            m["message_id"] == first["message_id"] and not buttons(m) for m in ms))
        await sandbox.say(3205, "вечером", language_code="ru")
        await sandbox.wait_for_text(3205, "21:00–22:00")
        await sandbox.wait_for(3205, lambda ms: any(
            m["message_id"] == again["message_id"] and not buttons(m) for m in ms))

    async def test_other_text_is_a_new_item_and_the_question_stays(self, bot_app: BotServices,
                                                                    sandbox: SandboxClient) -> None:
        await sandbox.say(3202, "meeting with Ann at 9", language_code="en")
        await sandbox.wait_for_text(3202, "What time?")
        await sandbox.say(3202, "buy bread", language_code="en")
        await sandbox.wait_for_text(3202, "#2 task: buy bread")
        await sandbox.say(3202, "evening", language_code="en")
        await sandbox.wait_for_text(3202, "21:00–22:00")
        meeting, bread = await items_of(bot_app, 3202)
        assert (meeting.status, local(meeting.starts_at).hour) == (ItemStatus.SCHEDULED, 21)
        assert bread.status == ItemStatus.INBOX and len(await items_of(bot_app, 3202)) == 2

    async def test_a_meeting_without_time_offers_default_times(self, bot_app: BotServices, sandbox: SandboxClient
                                                              ) -> None:
        await sandbox.say(3203, "встреча с юристом послезавтра", language_code="ru")
        question = await sandbox.wait_for_text(3203, "Во сколько?")
        assert [b["text"] for b in buttons(question)] == ["Утро 09:00", "День 13:00", "Вечер 19:00", "Отменить"]
        await sandbox.say(3203, "отмена", language_code="ru")
        await sandbox.wait_for_text(3203, "· отменено")
        (item,) = await items_of(bot_app, 3203)
        assert item.status == ItemStatus.CANCELLED
