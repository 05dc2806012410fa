"""/ask over the journal in chat (the sandbox, the offline provider): the figure computed from the entries leads the
answer in the second person, the offline provider says it is no model, and the entries used are buttons that open
them in the Mini App."""

from __future__ import annotations

import datetime as dt

from core.journal import service as journal
from core.journal.schemas import EntryIn
from core.users.models import User
from secretary.bot import BotServices
from tests.integration.topics.topics_helpers import make_user
from tests.support.sandbox import SandboxClient


class TestAskJournal:
    async def test_a_figure_with_citation_buttons(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        runtime = bot_app.runtime
        await make_user(runtime, 1701, language="ru")
        now = dt.datetime.now(dt.UTC)
        year = now.year if now.month >= 11 else now.year - 1
        async with runtime.unit_of_work() as s:
            user = await s.get(User, 1701)
            assert user is not None
            made = [await journal.create(s, user, EntryIn(action="bought", object="drink", title=title,
                                                          amount=amount, currency="RUB", category="food",
                                                          subcategory="cafe", date=day), now=now)
                    for title, amount, day in (("Кофе с Машей", "450", f"{year}-11-03"),
                                               ("Обед в кафе", "900", f"{year}-11-20"),
                                               ("Кофе в октябре", "300", f"{year}-10-02"))]
        ids = [e.id for e in made]
        sent = await sandbox.say(1701, "/ask сколько я потратил на кафе в ноябре?", language_code="ru")
        reply = await sandbox.wait_for_text(1701, "1 350 RUB")
        assert reply["reply_to_message_id"] == sent["message_id"]
        text = reply["text"]
        assert text.startswith("Локальный режим без ИИ") and "вы потратили 1 350 RUB (2 зап." in text
        buttons = [b for row in reply["reply_markup"]["inline_keyboard"] for b in row]
        urls = [b["web_app"]["url"] for b in buttons if "web_app" in b]
        assert urls[:2] == [f"{runtime.settings.base_url}/app/#/journal/entries/{ids[1]}",
                            f"{runtime.settings.base_url}/app/#/journal/entries/{ids[0]}"]
        assert f"/app/#/journal/entries/{ids[2]}" not in " ".join(urls)  # October is not in the figure
        assert any("/app/#/journal/entries?category=food" in u for u in urls)  # the suggested filter
