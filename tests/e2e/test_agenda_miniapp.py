"""The agenda Mini App in a real browser beside the real bot: a user runs their day from the app — creates an item by
text with an ambiguous hour, answers the question, reschedules it with the date and time pickers, marks it done —
and the chat (the sandbox transcript) shows the same state, card by card."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from miniapp_harness import MiniApp
from playwright.async_api import Page, expect
from sqlalchemy import select

from core.db.base import utcnow
from core.items.models import Item
from core.runtime import Runtime
from core.users.service import ensure_user
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient

pytestmark = pytest.mark.browser

ALICE = {"id": 7101, "first_name": "Alice", "language_code": "en"}
BORIS = {"id": 7102, "first_name": "Борис", "language_code": "ru"}


def zone_near_noon() -> str:
    """A fixed-offset zone where it is about noon now: "today" and "tomorrow" stay far from midnight."""
    offset = 12 - dt.datetime.now(dt.UTC).hour
    offset = offset - 24 if offset > 14 else offset
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"


async def make_user(runtime: Runtime, user: dict[str, Any]) -> str:
    tz = zone_near_noon()
    async with runtime.unit_of_work() as s:
        row = await ensure_user(s, user["id"], first_name=user["first_name"], language_code=user["language_code"])
        row.timezone = tz
    return tz


async def telegram_calls(page: Page, name: str) -> list[Any]:
    calls: list[dict[str, Any]] = await page.evaluate("window.__telegram.calls")
    return [c["args"] for c in calls if c["name"] == name]


async def chat_texts(sandbox: SandboxClient, chat_id: int) -> list[str]:
    return [m["text"] or "" for m in await sandbox.bot_messages(chat_id)]


class TestRunTheDayFromTheApp:
    async def test_create_answer_reschedule_done_and_the_chat_agrees(
            self, bot_app: BotServices, sandbox: SandboxClient, miniapp: MiniApp, runtime: Runtime) -> None:
        tz = await make_user(runtime, ALICE)
        today = utcnow().astimezone(ZoneInfo(tz)).date()
        tomorrow, later = today + dt.timedelta(days=1), today + dt.timedelta(days=2)
        chat = ALICE["id"]
        page = await miniapp.open(ALICE, path="/agenda")
        await expect(page.get_by_test_id("empty-state")).to_have_text("Nothing planned for today.")

        # an ambiguous hour: the item comes back with its question, asked in the chat too
        await page.get_by_test_id("add-input").fill("meeting with Anna tomorrow at 9")
        await page.get_by_test_id("add-submit").click()
        await expect(page.get_by_test_id("status-text")).to_have_text("#1 added.")
        question = page.get_by_test_id("question-1")
        await expect(question).to_contain_text("What time?")
        asked = await sandbox.wait_for_text(chat, "#1 meeting: meeting with Anna")
        assert [b["text"] for row in asked["reply_markup"]["inline_keyboard"] for b in row] == [
            "Morning 09:00", "Evening 21:00", "Cancel"]

        # answered in place: the chat's question loses its buttons and the card follows
        await question.get_by_test_id("answer-1-21:00").click()
        await expect(page.get_by_test_id("status-text")).to_contain_text("Booked:")
        await expect(page.get_by_test_id("question-1")).to_have_count(0)
        await sandbox.wait_for(chat, lambda ms: any(m["message_id"] == asked["message_id"] and not (
            m.get("reply_markup") or {}).get("inline_keyboard") for m in ms))
        await sandbox.wait_for_text(chat, "21:00–22:00")

        # the week shows it tomorrow; its card reschedules it with the pickers
        await page.get_by_test_id("tab-week").click()
        day = page.get_by_test_id(f"day-{tomorrow.isoformat()}")
        await expect(day.get_by_test_id("item-row-1")).to_contain_text("21:00–22:00")
        await day.get_by_test_id("item-row-1").get_by_role("link").click()
        await expect(page.get_by_test_id("item-headline")).to_have_text("#1 meeting: meeting with Anna")
        assert (await page.evaluate("window.__telegram.backButton()"))["isVisible"]
        await page.get_by_test_id("schedule-date").fill(later.isoformat())
        await page.get_by_test_id("schedule-time").fill("10:30")
        await page.get_by_test_id("schedule-submit").click()
        await expect(page.get_by_test_id("status-text")).to_contain_text("Set for")
        await expect(page.get_by_test_id("item-when")).to_contain_text("10:30–11:30")
        await sandbox.wait_for_text(chat, "10:30–11:30")

        # done with Telegram's Main button
        assert (await page.evaluate("window.__telegram.mainButton()"))["text"] == "Done"
        assert await page.evaluate("window.__telegram.pressMain()")
        await expect(page.get_by_test_id("status-text")).to_have_text("Done.")
        await expect(page.get_by_test_id("item-when")).to_contain_text("· done")
        card = await sandbox.wait_for_text(chat, "· done")
        assert card["text"].startswith("#1 meeting: meeting with Anna — ") and "10:30–11:30" in card["text"]
        assert ["success"] in await telegram_calls(page, "HapticFeedback.notificationOccurred")

        # the chat and the database agree with the app
        async with runtime.session_factory() as s:
            item = await s.scalar(select(Item).where(Item.user_id == chat))
        assert item is not None and item.status == "done" and item.starts_at is not None
        start = item.starts_at.astimezone(ZoneInfo(tz))
        assert (start.date(), start.hour, start.minute) == (later, 10, 30)
        said = await chat_texts(sandbox, chat)
        assert sum("· done" in text for text in said) == 1
        await miniapp.close(page, "agenda-done")

    async def test_a_bad_answer_is_told_in_russian(self, bot_app: BotServices, sandbox: SandboxClient,
                                                   miniapp: MiniApp, runtime: Runtime) -> None:
        await make_user(runtime, BORIS)
        async with miniapp.api(BORIS) as api:
            created = (await api.post("/items", json={"text": "созвон завтра в 9"})).json()
            assert (await api.post(f"/items/{created['id']}/cancel")).status_code == 200
        page = await miniapp.open(BORIS, path=f"/agenda/items/{created['id']}")
        await expect(page.get_by_test_id("item-when")).to_contain_text("отменено")
        await page.get_by_test_id("item-undo").click()  # the cancel is taken back: it waits for a time again
        await expect(page.get_by_test_id("status-text")).to_have_text("Вернул как было.")
        async with miniapp.api(BORIS) as api:
            assert (await api.post(f"/items/{created['id']}/done")).status_code == 200
        await page.get_by_test_id("item-cancel").click()  # stale screen: the item was done on another device
        await expect(page.get_by_test_id("error-text")).to_have_text("Эта запись уже выполнена.")
        await expect(page.get_by_test_id("item-when")).to_contain_text("выполнено")
        await miniapp.close(page, "agenda-ru")
