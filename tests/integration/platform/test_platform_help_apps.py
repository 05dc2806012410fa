"""/help opens the journal Mini App with a button in a private chat, and sends no Mini App button to a group (Telegram
refuses them there)."""

from __future__ import annotations

from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


class TestHelpOpensTheJournal:
    async def test_a_private_help_has_the_journal_button_in_the_users_language(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(511, "/help", language_code="ru")
        msg = await sandbox.wait_for_text(511, "Что я умею")
        [[button]] = msg["reply_markup"]["inline_keyboard"]
        assert button["text"] == "📓 Журнал"
        assert button["web_app"]["url"] == f"{bot_app.runtime.settings.base_url}/app/#/journal"

    async def test_a_group_help_has_no_mini_app_button(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(-100512, "/help", user_id=512, language_code="en")
        msg = await sandbox.wait_for_text(-100512, "What I can do")
        assert not msg["reply_markup"]
