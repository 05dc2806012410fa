"""/stats and /journal in chat, through the real bot and the sandbox: the dashboard's chart arrives as a PNG with the
totals in its caption and a button to the Mini App's dashboard (an empty journal gets a text on how to add entries);
/journal shows and switches where the messages that are not plans go, and the next record goes accordingly."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from PIL import Image

from core.db.base import utcnow
from core.journal import service as journal
from core.journal.catalog import catalog
from core.journal.models import JournalSettings, Routing
from core.journal.schemas import EntryIn
from core.journal.stats_picture import months_back
from core.runtime import Runtime
from core.users.models import User
from secretary.bot import BotServices
from tests.integration.journal.test_journal_chat import button, edited_to, labels, press, said
from tests.support.sandbox import SandboxClient


async def record(runtime: Runtime, user_id: int, *entries: dict[str, Any]) -> dt.date:
    """Save entries as the user (the chat made them before); the user's today."""
    async with runtime.unit_of_work() as session:
        user = await session.get(User, user_id)
        assert user is not None
        for data in entries:
            await journal.create(session, user, EntryIn.model_validate(data), now=utcnow(), source="chat")
        return journal.today(user, utcnow())


async def routing_of(runtime: Runtime, user_id: int) -> str | None:
    async with runtime.session_factory() as session:
        prefs = await session.get(JournalSettings, user_id)
        return prefs.routing if prefs is not None else None


async def next_photo(sandbox: SandboxClient, chat_id: int, before: int) -> dict[str, Any]:
    msgs = await sandbox.wait_for(chat_id, lambda ms: any(m.get("photo") for m in ms[before:]), timeout=20)
    return next(m for m in msgs[before:] if m.get("photo"))


class TestStats:
    async def test_an_empty_journal_is_told_how_to_add_then_the_chart_arrives(self, bot_app: BotServices,
                                                                             sandbox: SandboxClient) -> None:
        empty = await said(sandbox, 7601, "/stats", "В дневнике пока нет записей")
        assert "купил хлеб за 60" in empty["text"] and not labels(empty)

        today = await record(bot_app.runtime, 7601, {"action": "bought", "object": "food", "amount": 60},
                             {"action": "bought", "object": "food", "amount": 90},
                             {"action": "bought", "object": "thing", "amount": "1250.50", "title": "Лампа"})
        old = months_back(today, 2).isoformat()
        await record(bot_app.runtime, 7601, {"action": "bought", "object": "food", "amount": 1000, "date": old},
                     {"action": "bought", "object": "food", "amount": 5, "currency": "USD"},
                     {"action": "bought", "object": "food", "amount": 999, "date": "2001-01-01"})  # beyond a year
        before = len(await sandbox.bot_messages(7601))
        await sandbox.say(7601, "/stats", language_code="ru")
        photo = await next_photo(sandbox, 7601, before)

        caption = photo["caption"].replace("\u00a0", " ")
        assert "Потрачено за" in caption and ": 1 400,50 RUB + 5 USD" in caption
        assert "За 12 месяцев: 2 400,50 RUB + 5 USD · записей: 5" in caption
        assert button(photo, "дашборд")["web_app"]["url"].endswith("/app/#/journal/dashboard")
        data = await bot_app.runtime.telegram.download_file(photo["photo"][-1]["file_id"])
        image = Image.open(io.BytesIO(data))
        image.load()
        assert image.format == "PNG" and image.width == 1200 and 700 < image.height < 1400
        assert 10_000 < len(data) < 1_000_000
        colors = {c for _, c in image.convert("RGB").getcolors(1_000_000) or []}
        for category in ("food", "shopping"):  # this month's two categories are drawn in their own colours
            color = next(c.color for c in catalog().categories if c.id == category)
            assert Image.new("RGB", (1, 1), color).getpixel((0, 0)) in colors

    async def test_entries_without_spending_are_counted_and_nothing_is_drawn(self, bot_app: BotServices,
                                                                              sandbox: SandboxClient) -> None:
        await said(sandbox, 7602, "/help", "/stats", language="en")
        await record(bot_app.runtime, 7602, {"action": "bought", "object": "food", "title": "Bread"})
        reply = await said(sandbox, 7602, "/stats", "No spending in your journal over the last 12 months (entries: 1)",
                           language="en")
        assert button(reply, "dashboard")["web_app"]["url"].endswith("/app/#/journal/dashboard")
        assert not any(m.get("photo") for m in await sandbox.bot_messages(7602))


class TestRoutingCommand:
    async def test_switching_changes_where_the_next_message_goes(self, bot_app: BotServices,
                                                                 sandbox: SandboxClient) -> None:
        rt = bot_app.runtime
        shown = await said(sandbox, 7611, "/journal", "Messages that are not plans go to: auto", language="en")
        assert labels(shown) == ["✓ Auto", "Journal", "Notes", "📔 Open the journal"]
        assert button(shown, "Open the journal")["web_app"]["url"].endswith("/app/#/journal")

        await press(sandbox, 7611, shown, "Notes")
        switched = await edited_to(sandbox, 7611, shown, "go to: notes")
        assert labels(switched)[:3] == ["Auto", "Journal", "✓ Notes"]
        assert await routing_of(rt, 7611) == Routing.NOTES
        await said(sandbox, 7611, "bought bread for 3", "Saved as note #1", language="en")

        await said(sandbox, 7611, "/journal journal", "go to: the journal", language="en")
        card = await said(sandbox, 7611, "ideas for the garden", "New journal entry", language="en")
        assert "Ideas" in card["text"]
        await said(sandbox, 7611, "/journal авто", "go to: auto", language="en")
        await said(sandbox, 7611, "ideas for the kitchen", "Saved as note #2", language="en")
        await said(sandbox, 7611, "/journal everything", "Use /journal auto", language="en")
        assert await routing_of(rt, 7611) == Routing.AUTO
