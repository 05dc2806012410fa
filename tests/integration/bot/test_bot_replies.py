"""What the user gets back when a reply is too long for one message, or Telegram refuses it for good."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select

from core.platform.admin_stats import collect
from core.runtime import Runtime
from core.telegram.models import OutboxMessage, OutboxStatus
from core.telegram.outbox import Outbox
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient

BUTTONS = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="OK", callback_data="ok")]])


async def _statuses(runtime: Runtime, chat_id: int) -> list[str]:
    async with runtime.session_factory() as s:
        return list((await s.scalars(select(OutboxMessage.status).where(OutboxMessage.chat_id == chat_id)
                                     .order_by(OutboxMessage.id))).all())


async def _settled(runtime: Runtime, chat_id: int) -> list[str]:
    """The chat's outbox statuses once nothing is pending any more."""
    for _ in range(200):
        statuses = await _statuses(runtime, chat_id)
        if statuses and not {OutboxStatus.PENDING, OutboxStatus.SENDING} & set(statuses):
            return statuses
        await asyncio.sleep(0.05)
    raise AssertionError(f"the outbox of {chat_id} did not settle: {await _statuses(runtime, chat_id)}")


def _long_html() -> str:
    paragraphs = [f"<b>Part {n}</b>\n<i>" + "one &amp; two &lt;three&gt; " * 40 + "</i>" for n in range(8)]
    return "\n\n".join(paragraphs)  # about 8,000 visible characters


class TestLongReplies:
    async def test_a_long_find_query_is_answered_in_several_messages(self, bot_app: BotServices,
                                                                    sandbox: SandboxClient) -> None:
        """/find echoes the query: with a long one the reply is over 4,096 characters."""
        words = " ".join(f"word{n:04d}" for n in range(454))  # 4,085 characters: a message may hold 4,096
        await sandbox.say(3101, f"/find {words}", language_code="en")
        msgs = await sandbox.wait_for(3101, lambda ms: "word0453" in " ".join(m["text"] or "" for m in ms))
        assert len(msgs) >= 2 and all(len(m["text"]) <= 4096 for m in msgs)
        assert "Nothing found" in msgs[0]["text"]
        assert set(await _settled(bot_app.runtime, 3101)) == {OutboxStatus.SENT}

    async def test_long_html_arrives_whole_with_valid_markup_the_reply_first_the_buttons_last(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        asked = await sandbox.say(3102, "hello", language_code="en")
        await sandbox.wait_for_text(3102, "#1")
        async with bot_app.runtime.unit_of_work() as session:
            await Outbox(session, "test:html").send_message(3102, _long_html(), reply_markup=BUTTONS,
                                                            reply_to=asked["message_id"])
        msgs = await sandbox.wait_for(3102, lambda ms: any("Part 7" in (m["text"] or "") for m in ms))
        parts = msgs[1:]  # after "Saved as note #1."
        assert len(parts) == 2
        assert [p["reply_to_message_id"] for p in parts] == [asked["message_id"], None]
        assert parts[0].get("reply_markup") is None
        assert parts[1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "OK"
        for part in parts:  # the markup was parsed: bold titles, italics, the entities decoded
            kinds = {e["type"] for e in part.get("entities", [])}
            assert {"bold", "italic"} <= kinds
            assert "one & two <three>" in part["text"] and "&amp;" not in part["text"]
        assert set(await _settled(bot_app.runtime, 3102)) == {OutboxStatus.SENT}

    async def test_the_same_unit_of_work_run_again_sends_nothing_twice(self, bot_app: BotServices,
                                                                       sandbox: SandboxClient) -> None:
        for _ in range(2):  # a re-run after a crash writes the same keys
            async with bot_app.runtime.unit_of_work() as session:
                await Outbox(session, "upd:test-rerun").send_message(3103, _long_html())
        await sandbox.wait_for(3103, lambda ms: any("Part 7" in (m["text"] or "") for m in ms))
        assert await _settled(bot_app.runtime, 3103) == [OutboxStatus.SENT, OutboxStatus.SENT]
        await asyncio.sleep(0.3)
        assert len(await sandbox.bot_messages(3103)) == 2

    async def test_an_edit_over_the_limit_shows_the_first_part_with_an_ellipsis(self, bot_app: BotServices,
                                                                                 sandbox: SandboxClient) -> None:
        async with bot_app.runtime.unit_of_work() as session:
            placeholder = await Outbox(session, "test:edit").send_message(3104, "Thinking…", parse_mode=None)
        await sandbox.wait_for_text(3104, "Thinking")
        assert placeholder is not None
        async with bot_app.runtime.unit_of_work() as session:
            await Outbox(session, "test:edit2").edit_text(3104, "answer " * 1000, outbox_id=placeholder,
                                                          parse_mode=None)
        msgs = await sandbox.wait_for(3104, lambda ms: ms[0]["edited"])
        assert len(msgs) == 1 and msgs[0]["text"].startswith("answer answer") and msgs[0]["text"].endswith("…")
        assert len(msgs[0]["text"]) <= 4096
        assert set(await _settled(bot_app.runtime, 3104)) == {OutboxStatus.SENT}


class TestLostReplies:
    async def _refused(self, runtime: Runtime, chat_id: int, key: str, count: int = 1) -> None:
        async with runtime.unit_of_work() as session:
            outbox = Outbox(session, key)
            for _ in range(count):
                await outbox.send_message(chat_id, "<b>broken markup", parse_mode="HTML")  # 400: can't parse

    async def test_a_refused_reply_is_reported_once_in_the_users_language_and_counted(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(3201, "/start", language_code="ru")
        await sandbox.wait_for_text(3201, "Привет")
        await self._refused(bot_app.runtime, 3201, "test:lost", count=2)
        await sandbox.wait_for_text(3201, "один из моих ответов не удалось доставить")
        await self._refused(bot_app.runtime, 3201, "test:lost-again")  # another failure soon after: no new note
        statuses = await _settled(bot_app.runtime, 3201)
        assert statuses.count(OutboxStatus.DEAD) == 3
        await asyncio.sleep(0.3)
        notes = [m for m in await sandbox.bot_messages(3201) if "не удалось доставить" in (m["text"] or "")]
        assert len(notes) == 1
        async with bot_app.runtime.session_factory() as s:
            stats: dict[str, Any] = await collect(s)
        assert stats["outbox"] == {OutboxStatus.SENT: 2, OutboxStatus.DEAD: 3}  # the greeting and the note; lost

    async def test_a_chat_of_no_known_user_is_told_in_the_default_language(self, bot_app: BotServices,
                                                                           sandbox: SandboxClient) -> None:
        await self._refused(bot_app.runtime, 3202, "test:lost-unknown")
        await sandbox.wait_for_text(3202, "один из моих ответов")  # DEFAULT_LANGUAGE is ru
