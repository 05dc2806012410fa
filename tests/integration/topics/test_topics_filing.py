"""Notes filed into forum topics, end to end: the real bot and job runner against the sandbox's forum group,
with the offline (local) provider classifying."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from core.topics.models import ForumTopic, NoteFiling
from core.topics.service import CLAIM_STALE
from secretary.bot import BotServices
from tests.integration.topics.topics_helpers import (
    GROUP_ID,
    add_notes,
    all_messages,
    buttons,
    callback_answer,
    filings,
    press,
    topic_created_messages,
    topics,
    wait_filings,
)
from tests.support.sandbox import SandboxClient

IDEA_1 = "Idea: a bot that reminds me to water the plants"
IDEA_2 = "What if we sold tomatoes at the market? #garden"


def in_topic(messages: list[dict[str, Any]], thread_id: int) -> list[dict[str, Any]]:
    return [m for m in messages if m["message_thread_id"] == thread_id]


class TestFiling:
    async def test_two_ideas_go_into_one_ideas_topic_created_once(self, forum_bot: BotServices,
                                                                 sandbox: SandboxClient) -> None:
        await add_notes(forum_bot.runtime, 1501, IDEA_1, IDEA_2)  # both filing jobs run side by side
        cards = await sandbox.wait_for(GROUP_ID, lambda ms: len(ms) == 2)
        (topic,) = await topics(sandbox, GROUP_ID)
        assert topic["name"] == "Ideas"
        assert len(await topic_created_messages(sandbox, GROUP_ID)) == 1  # createForumTopic was called once
        assert {m["message_thread_id"] for m in cards} == {topic["message_thread_id"]}
        texts = sorted(m["text"] for m in cards)
        assert texts[0].startswith("Idea: a bot that reminds me to water the plants")
        assert texts[1] == "What if we sold tomatoes at the market?\n\n#garden #tomatoes #market"

        confirmations = await sandbox.wait_for(1501, lambda ms: len(ms) == 2)
        for message in confirmations:
            assert message["text"].startswith("📁 Filed into «Ideas»")
            labels = [b["text"] for b in buttons(message)]
            assert "Tasks" in labels and "Meetings" in labels and "Ideas" not in labels
        stored = await filings(forum_bot.runtime, 1501)
        assert [f.kind for f in stored] == ["idea", "idea"]
        assert all(f.group_id == GROUP_ID and f.message_thread_id == topic["message_thread_id"] for f in stored)
        assert "garden" in next(f for f in stored if f.text == IDEA_2).tags

    async def test_each_class_gets_its_own_topic(self, forum_bot: BotServices, sandbox: SandboxClient) -> None:
        await add_notes(forum_bot.runtime, 1502, IDEA_1, "Spent 450 ₽ on lunch", "Remind me to call mom")
        cards = await sandbox.wait_for(GROUP_ID, lambda ms: len(ms) == 3)
        names = {t["message_thread_id"]: t["name"] for t in await topics(sandbox, GROUP_ID)}
        assert sorted(names.values()) == ["Expenses", "Ideas", "Reminders"]
        by_topic = {names[m["message_thread_id"]]: m["text"] for m in cards}
        assert by_topic["Expenses"].startswith("Spent 450 ₽ on lunch")

    async def test_a_long_note_is_split_at_4096_characters(self, forum_bot: BotServices,
                                                          sandbox: SandboxClient) -> None:
        paragraphs = [f"Idea part {i}: " + "grow more tomatoes on the balcony " * 12 for i in range(14)]
        text = "\n\n".join(paragraphs)
        assert len(text) > 5000
        await add_notes(forum_bot.runtime, 1503, text)
        cards = await sandbox.wait_for(GROUP_ID, lambda ms: len(ms) == 2)
        assert all(len(m["text"]) <= 4096 for m in cards)
        assert len({m["message_thread_id"] for m in cards}) == 1
        assert cards[1]["text"].startswith("Idea part")  # cut between paragraphs
        assert paragraphs[-1].strip() in cards[1]["text"]


class TestMove:
    async def test_a_button_moves_the_card_into_another_topic(self, forum_bot: BotServices,
                                                             sandbox: SandboxClient) -> None:
        await add_notes(forum_bot.runtime, 1511, IDEA_1)
        (old,) = await sandbox.wait_for(GROUP_ID, lambda ms: len(ms) == 1)
        (confirmation,) = await sandbox.wait_for(1511, lambda ms: len(ms) == 1)

        query_id = await press(sandbox, 1511, confirmation, "Tasks")
        assert (await callback_answer(sandbox, query_id))["text"] == "Moving to «Tasks»…"
        (new,) = await sandbox.wait_for(GROUP_ID, lambda ms: len(ms) == 1 and ms[0]["message_id"] != old["message_id"])
        names = {t["message_thread_id"]: t["name"] for t in await topics(sandbox, GROUP_ID)}
        assert names[new["message_thread_id"]] == "Tasks" and names[old["message_thread_id"]] == "Ideas"
        assert new["text"] == old["text"]
        deleted = [m for m in await all_messages(sandbox, GROUP_ID) if m["message_id"] == old["message_id"]]
        assert deleted[0].get("deleted") is True

        moved = await sandbox.wait_for_text(1511, "📁 Moved to «Tasks»")
        labels = [b["text"] for b in buttons(moved)]
        assert "Ideas" in labels and "Tasks" not in labels  # it can still go back
        (filing,) = await filings(forum_bot.runtime, 1511)
        assert filing.kind == "task" and filing.message_thread_id == new["message_thread_id"]

    async def test_moving_a_split_card_deletes_all_its_messages(self, forum_bot: BotServices,
                                                               sandbox: SandboxClient) -> None:
        text = "\n\n".join(f"Idea part {i}: " + "grow more tomatoes on the balcony " * 12 for i in range(14))
        await add_notes(forum_bot.runtime, 1512, text)
        old = await sandbox.wait_for(GROUP_ID, lambda ms: len(ms) == 2)
        (confirmation,) = await sandbox.wait_for(1512, lambda ms: len(ms) == 1)
        await press(sandbox, 1512, confirmation, "Notes")
        old_ids = {m["message_id"] for m in old}
        new = await sandbox.wait_for(GROUP_ID, lambda ms: len(ms) == 2 and not old_ids & {m["message_id"] for m in ms})
        assert len({m["message_thread_id"] for m in new}) == 1

    async def test_pressing_after_the_ttl_says_the_buttons_expired(self, forum_bot: BotServices,
                                                                  sandbox: SandboxClient) -> None:
        await add_notes(forum_bot.runtime, 1513, IDEA_1)
        (card,) = await sandbox.wait_for(GROUP_ID, lambda ms: len(ms) == 1)
        (confirmation,) = await sandbox.wait_for(1513, lambda ms: len(ms) == 1)
        async with forum_bot.runtime.unit_of_work() as s:  # TOPIC_CONFIRM_TTL has passed
            await s.execute(update(NoteFiling).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))

        query_id = await press(sandbox, 1513, confirmation, "Tasks")
        answer = await callback_answer(sandbox, query_id)
        assert answer["text"] == "These buttons have expired; the note stays in «Ideas»." and answer["show_alert"]
        await sandbox.wait_for(1513, lambda ms: not buttons(ms[0]))  # the stale buttons are taken away
        assert [m["message_id"] for m in await sandbox.bot_messages(GROUP_ID)] == [card["message_id"]]
        (filing,) = await filings(forum_bot.runtime, 1513)
        assert filing.kind == "idea"


class TestWithoutGroup:
    async def test_only_the_class_and_tags_are_stored(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        assert bot_app.runtime.settings.telegram_group_id is None
        await add_notes(bot_app.runtime, 1521, IDEA_2)
        (filing,) = await wait_filings(bot_app.runtime, 1521, 1)
        assert filing.kind == "idea" and "garden" in filing.tags and filing.is_heuristic
        assert filing.group_id is None and filing.group_outbox_ids == []
        assert await sandbox.bot_messages(1521) == []


class TestTopicClaim:
    async def test_a_stale_claim_is_taken_over(self, forum_bot: BotServices, sandbox: SandboxClient) -> None:
        """A job that died between claiming and creating the topic does not block the class for ever."""
        async with forum_bot.runtime.unit_of_work() as s:
            s.add(ForumTopic(group_id=GROUP_ID, topic_key="idea", title="Ideas", message_thread_id=None,
                             created_at=dt.datetime.now(dt.UTC) - CLAIM_STALE - dt.timedelta(seconds=1)))
        await add_notes(forum_bot.runtime, 1531, IDEA_1)
        (card,) = await sandbox.wait_for(GROUP_ID, lambda ms: len(ms) == 1)
        (topic,) = await topics(sandbox, GROUP_ID)
        assert card["message_thread_id"] == topic["message_thread_id"]


class TestGroupRefuses:
    async def test_a_group_that_is_no_forum_is_explained(self, bot_app: BotServices,
                                                        sandbox: SandboxClient) -> None:
        bot_app.runtime.settings = bot_app.runtime.settings.model_copy(update={"telegram_group_id": 4242})
        await add_notes(bot_app.runtime, 1541, IDEA_1)
        message = await sandbox.wait_for_text(1541, "could not post it into the group")
        assert message["text"].startswith("Note #1 is saved")
        (filing,) = await filings(bot_app.runtime, 1541)
        assert filing.kind == "idea" and filing.group_outbox_ids == []
        async with bot_app.runtime.session_factory() as s:  # the failed creation left no claim behind
            assert (await s.scalars(select(ForumTopic))).all() == []
