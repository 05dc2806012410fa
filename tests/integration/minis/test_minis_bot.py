"""/minis in the bot: a summary of the collection and web_app buttons that open the Mini App."""

from __future__ import annotations

from core.minis import service
from core.users.service import ensure_user
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


class TestMinisCommand:
    async def test_empty_collection(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(1301, "/minis", language_code="en")
        msg = await sandbox.wait_for_text(1301, "collection is empty")
        (button,) = [b for row in msg["reply_markup"]["inline_keyboard"] for b in row]
        assert button["web_app"]["url"].endswith("/app/#/minis")

    async def test_summary_and_recent_types(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        async with bot_app.runtime.unit_of_work() as s:
            await ensure_user(s, 1302, language_code="ru")
            first = await service.create_type(s, 1302, "Space Marines", 10)
            await service.create_type(s, 1302, "Orks", 5)
            await service.move(s, 1302, first['id'], "IN_BOX", "PRIMING", 4)
        await sandbox.say(1302, "/minis", language_code="ru")
        msg = await sandbox.wait_for_text(1302, "типов — 2")
        assert "В коробке: 11" in msg["text"] and "Грунтовка: 4" in msg["text"]
        buttons = [b for row in msg["reply_markup"]["inline_keyboard"] for b in row]
        assert [b["text"] for b in buttons] == ["Открыть Minis", "Orks", "Space Marines"]
        assert buttons[2]["web_app"]["url"].endswith(f"/app/#/minis/types/{first['id']}")
