"""The agenda Mini App is one tap away in the chat: a WebApp button under /today and /week, and the chat's menu
button."""

from __future__ import annotations

import asyncio

from items_helpers import buttons, make_user, reply, zone_near_noon

from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


class TestAgendaButtons:
    async def test_today_and_week_open_the_agenda_at_their_view(self, bot_app: BotServices, sandbox: SandboxClient
                                                                ) -> None:
        await make_user(bot_app, 3901, "en", zone_near_noon())
        base = bot_app.runtime.settings.base_url
        for command, path, text in (("/today", "/agenda", "Nothing planned for today."),
                                    ("/week", "/agenda/week", "Nothing planned for the next 7 days.")):
            answer = await reply(sandbox, 3901, command)
            assert answer["text"] == text
            (button,) = buttons(answer)
            assert button["text"] == "📅 Open the agenda"
            assert button["web_app"] == {"url": f"{base}/app/#{path}"}

    async def test_the_menu_button_opens_the_agenda(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        base = bot_app.runtime.settings.base_url
        for _ in range(100):
            bots = (await sandbox.http.get("/bots")).json()
            if bots and bots[0]["menu_button"].get("type") == "web_app":
                break
            await asyncio.sleep(0.05)
        assert bots[0]["menu_button"] == {"type": "web_app", "text": "Дела",
                                          "web_app": {"url": f"{base}/app/#/agenda"}}
