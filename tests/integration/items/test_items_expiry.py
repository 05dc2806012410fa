"""A question expires after CLARIFICATION_TTL: a late answer or a late button changes nothing."""

from __future__ import annotations

from items_helpers import callback_answer, edited, items_of, press

from core.items.models import ItemStatus
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


def expire_questions_at_once(app: BotServices) -> None:
    app.runtime.settings = app.runtime.settings.model_copy(update={"clarification_ttl": 0})


class TestExpiry:
    async def test_a_late_text_answer_is_not_applied(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        expire_questions_at_once(bot_app)
        await sandbox.say(3301, "meeting with Ann at 9", language_code="en")
        await sandbox.wait_for_text(3301, "What time?")
        await sandbox.say(3301, "at 10:30", language_code="en")
        await sandbox.wait_for_text(3301, "The question about #1 has expired")
        (item,) = await items_of(bot_app, 3301)  # no new item either
        assert (item.status, item.starts_at) == (ItemStatus.INBOX, None)

    async def test_a_late_button_says_so(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        expire_questions_at_once(bot_app)
        await sandbox.say(3302, "встреча с Иваном в 9", language_code="ru")
        question = await sandbox.wait_for_text(3302, "Во сколько?")
        pressed = await press(sandbox, 3302, question, "Вечер")
        answer = await callback_answer(sandbox, pressed["callback_query_id"])
        assert answer["text"] == "Этот вопрос устарел."
        message = await edited(sandbox, 3302, question["message_id"], "устарел")
        assert not message.get("reply_markup")
        (item,) = await items_of(bot_app, 3302)
        assert (item.status, item.starts_at) == (ItemStatus.INBOX, None)

    async def test_a_replaced_question_is_no_longer_answered_by_its_buttons(self, bot_app: BotServices,
                                                                            sandbox: SandboxClient) -> None:
        await sandbox.say(3303, "meeting with Ann at 9", language_code="en")
        first = await sandbox.wait_for_text(3303, "#1 meeting")
        await sandbox.say(3303, "call with Bob at 7", language_code="en")
        await sandbox.wait_for_text(3303, "#2 meeting")
        pressed = await press(sandbox, 3303, first, "Evening")
        assert (await callback_answer(sandbox, pressed["callback_query_id"]))["text"] == "This question has expired."
        ann, bob = await items_of(bot_app, 3303)
        assert ann.starts_at is None and bob.starts_at is None
