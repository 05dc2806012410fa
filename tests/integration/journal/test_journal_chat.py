"""The journal in chat, through the real bot and the sandbox: a record becomes a card (several entries listed and saved
together), a plan stays an item, a note offers "save as entry" and a card "save as note"; /j, /again, the reminder
of "вернуть Пете зарядку через неделю", the routing setting, and a voice note read by a cloud provider in a job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from core.db.base import utcnow
from core.items.models import Item
from core.journal import service as journal
from core.journal.models import Entry, Proposal, Routing
from core.runtime import Runtime
from core.users.models import User
from secretary.bot import BotServices
from tests.fakes.openai_server import FakeOpenAI, Reply, fake_openai  # noqa: F401
from tests.integration.voice.test_voice_bot import openai_stt, send_voice, voice_note  # noqa: F401
from tests.support.sandbox import SandboxClient


def labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def button(message: dict[str, Any], text: str) -> dict[str, Any]:
    markup = message.get("reply_markup") or {}
    found = [b for row in markup.get("inline_keyboard", []) for b in row if text in b["text"]]
    assert found, f"no button {text!r} in {labels(message)}"
    return found[0]


async def press(sandbox: SandboxClient, chat_id: int, message: dict[str, Any], text: str) -> str:
    pressed = await sandbox.press(chat_id, message["message_id"], button(message, text)["callback_data"])
    return str(pressed["callback_query_id"])


async def said(sandbox: SandboxClient, chat_id: int, text: str, expect: str, language: str = "ru"
               ) -> dict[str, Any]:
    """Say ``text``; the bot's new message (after what it said before) that contains ``expect``."""
    before = len(await sandbox.bot_messages(chat_id))
    await sandbox.say(chat_id, text, language_code=language)
    msgs = await sandbox.wait_for(chat_id, lambda ms: any(expect in (m["text"] or "") for m in ms[before:]))
    return next(m for m in msgs[before:] if expect in (m["text"] or ""))


async def edited_to(sandbox: SandboxClient, chat_id: int, message: dict[str, Any], fragment: str) -> dict[str, Any]:
    msgs = await sandbox.wait_for(chat_id, lambda ms: any(
        m["message_id"] == message["message_id"] and fragment in (m["text"] or "") for m in ms))
    return next(m for m in msgs if m["message_id"] == message["message_id"])


async def rows(runtime: Runtime, model: Any, user_id: int) -> list[Any]:
    async with runtime.session_factory() as s:
        return list(await s.scalars(select(model).where(model.user_id == user_id).order_by(model.id)))


class TestRecordCard:
    async def test_two_entries_from_one_message_are_saved_together_once(self, bot_app: BotServices,
                                                                        sandbox: SandboxClient) -> None:
        card = await said(sandbox, 7101, "купил хлеб за 60 и молоко за 90", "Записей в дневник: 2")
        assert "1. Хлеб — 60 RUB" in card["text"] and "2. Молоко — 90 RUB" in card["text"]
        assert "купил · еда" in card["text"]
        assert labels(card) == ["✓ Сохранить", "✎ Изменить", "✗ Отменить", "📝 Сохранить как заметку"]
        (proposal,) = await rows(bot_app.runtime, Proposal, 7101)
        assert button(card, "Изменить")["web_app"]["url"].endswith(f"/app/#/journal/proposals/{proposal.id}")

        first = await press(sandbox, 7101, card, "Сохранить")
        second = await press(sandbox, 7101, card, "✓ Сохранить")  # a double tap
        await sandbox.callback_answer(first)
        toast = await sandbox.callback_answer(second)
        saved = await edited_to(sandbox, 7101, card, "Сохранено в дневник: #1, #2")
        assert not labels(saved)
        assert toast["text"] == "Эта карточка уже закрыта: ничего не изменилось."
        entries = await rows(bot_app.runtime, Entry, 7101)
        assert [(e.number, e.action, e.object, e.amount_minor, e.currency, e.source) for e in entries] == [
            (1, "bought", "food", 6000, "RUB", "chat"), (2, "bought", "food", 9000, "RUB", "chat")]
        assert not await rows(bot_app.runtime, Item, 7101)  # a record is no note too


class TestRouting:
    async def test_plans_stay_items_notes_and_entries_switch_both_ways(self, bot_app: BotServices,
                                                                       sandbox: SandboxClient) -> None:
        rt = bot_app.runtime
        await said(sandbox, 7201, "tomorrow at 15:00 meeting with Ivan", "#1 meeting", language="en")
        note = await said(sandbox, 7201, "ideas for the garden", "Saved as note #2", language="en")
        assert labels(note) == ["📒 Save as journal entry"]

        await press(sandbox, 7201, note, "Save as journal entry")
        card = await sandbox.wait_for_text(7201, "New journal entry")
        assert "Ideas" in card["text"] and "#garden" in card["text"]
        await press(sandbox, 7201, card, "Save")
        await edited_to(sandbox, 7201, card, "Saved to the journal: #1")
        (entry,) = await rows(rt, Entry, 7201)
        meeting, garden = await rows(rt, Item, 7201)
        assert (meeting.kind, meeting.status) == ("meeting", "scheduled")
        assert garden.status == "cancelled" and entry.note == "ideas for the garden"  # an entry now, not both

        card = await said(sandbox, 7201, "bought coffee for 5 USD", "New journal entry", language="en")
        assert "Coffee — 5 USD" in card["text"]
        await press(sandbox, 7201, card, "Save as note instead")
        await edited_to(sandbox, 7201, card, "Saved as note #3.")
        card = await said(sandbox, 7201, "ran 5 km in the park", "New journal entry", language="en")
        await press(sandbox, 7201, card, "Cancel")
        await edited_to(sandbox, 7201, card, "Not saved.")
        assert len(await rows(rt, Entry, 7201)) == 1
        items = await rows(rt, Item, 7201)
        assert (items[-1].number, items[-1].kind, items[-1].text) == (3, "note", "bought coffee for 5 USD")
        assert [p.status for p in await rows(rt, Proposal, 7201)] == ["saved", "noted", "cancelled"]

    async def test_notes_routing_keeps_records_as_notes_and_j_forces_an_entry(self, bot_app: BotServices,
                                                                              sandbox: SandboxClient) -> None:
        await said(sandbox, 7202, "/help", "/again #ID", language="en")
        async with bot_app.runtime.unit_of_work() as s:
            user = await s.get(User, 7202)
            assert user is not None
            await journal.update_settings(s, user, routing_name=Routing.NOTES.value, currency="EUR")
        await said(sandbox, 7202, "bought bread for 3", "Saved as note #1", language="en")
        card = await said(sandbox, 7202, "/j bought bread for 3", "New journal entry", language="en")
        assert "Bread — 3 EUR" in card["text"]
        assert not await rows(bot_app.runtime, Entry, 7202)  # nothing until saved


class TestAgainAndReminder:
    async def test_again_proposes_the_entry_today_and_a_return_gets_a_reminder(self, bot_app: BotServices,
                                                                                sandbox: SandboxClient) -> None:
        rt = bot_app.runtime
        card = await said(sandbox, 7301, "вчера потратил 450 ₽ на кофе", "Новая запись")
        async with rt.session_factory() as s:
            user = await s.get(User, 7301)
            assert user is not None
            today = journal.today(user, utcnow())
        assert (today - dt.timedelta(days=1)).isoformat() in card["text"]
        await press(sandbox, 7301, card, "Сохранить")
        await edited_to(sandbox, 7301, card, "Сохранено в дневник: #1")

        again = await said(sandbox, 7301, "/again #1", "Новая запись")
        (first,) = await rows(rt, Entry, 7301)
        assert first.happened_on == today - dt.timedelta(days=1)
        assert today.isoformat() in again["text"] and "450 RUB" in again["text"]
        await press(sandbox, 7301, again, "Сохранить")
        await edited_to(sandbox, 7301, again, "Сохранено в дневник: #2")
        await said(sandbox, 7301, "/again #9", "У вас нет записи в дневнике #9")

        card = await said(sandbox, 7301, "вернуть Пете зарядку через неделю", "И напоминание")
        await press(sandbox, 7301, card, "Сохранить")
        await edited_to(sandbox, 7301, card, "Напоминание поставлено")
        *_, borrowed = await rows(rt, Entry, 7301)
        (reminder,) = await rows(rt, Item, 7301)
        assert (borrowed.action, borrowed.object, borrowed.people) == ("borrowed", "thing", ["Петя"])
        assert borrowed.reminder_item_id == reminder.id
        assert (reminder.kind, reminder.status) == ("reminder", "scheduled")
        assert reminder.starts_at is not None and reminder.starts_at.date() == today + dt.timedelta(days=7)


class TestVoice:
    async def test_a_spoken_record_is_read_by_the_provider_in_a_job(
            self, openai_stt: FakeOpenAI, bot_app: BotServices, sandbox: SandboxClient) -> None:  # noqa: F811
        openai_stt.enqueue(Reply.ok("потратил 450 рублей на кофе с Машей", audio_seconds=1.0),
                           Reply.ok({"action": "spent", "object": "drink", "amount": 450, "unit": None,
                                     "currency": "rub", "people": ["Маша"], "place": "Шоколадница",
                                     "tags": ["кофе"], "summary": "Кофе с Машей"}))
        await send_voice(sandbox, 7401, voice_note())
        card = await sandbox.wait_for_text(7401, "Новая запись", timeout=20)
        assert "450 RUB" in card["text"] and "👥 Маша · 📍 Шоколадница · #кофе" in card["text"]
        (proposal,) = await rows(bot_app.runtime, Proposal, 7401)
        assert proposal.source == "voice" and not await rows(bot_app.runtime, Item, 7401)
        assert len(openai_stt.requests_to("/chat/completions")) == 1


class TestLinksAndPhotos:
    async def test_a_refused_link_and_an_unreadable_photo_are_told_and_kept_as_notes(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(7501, "http://127.0.0.1:9/shop", language_code="en")
        card = await sandbox.wait_for_text(7501, "I could not read an entry from it")
        assert labels(card) == ["✗ Cancel", "📝 Save as note instead"]
        await press(sandbox, 7501, card, "Save as note")
        await edited_to(sandbox, 7501, card, "Saved as note #1.")

        png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
        r = await sandbox.http.post("/photos", data={"chat_id": "7501", "caption": "/j", "language_code": "en"},
                                    files={"file": ("p.png", png, "image/png")})
        r.raise_for_status()
        photo_card = await sandbox.wait_for_text(7501, "I could not read")  # the link's card says "note" now
        assert photo_card["message_id"] != card["message_id"]
        await press(sandbox, 7501, photo_card, "Save as note")
        await edited_to(sandbox, 7501, photo_card, "Saved as note #2.")
        link, photo = await rows(bot_app.runtime, Item, 7501)
        assert (link.kind, link.text, link.photos) == ("note", "http://127.0.0.1:9/shop", [])
        assert photo.kind == "note" and len(photo.photos) == 1  # the photo is kept
        assert [p.source for p in await rows(bot_app.runtime, Proposal, 7501)] == ["url", "photo"]
        assert not await rows(bot_app.runtime, Entry, 7501)
