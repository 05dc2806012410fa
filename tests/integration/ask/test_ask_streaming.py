"""/ask end to end: the answer over the user's own notes streams into one message by throttled edits (the real
OpenAI SDK against a local fake that streams word by word), then stands as the final text."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from core.ask.service import CURSOR
from core.runtime import Runtime
from core.telegram.models import OutboxMessage, OutboxStatus
from secretary.bot import BotServices
from tests.fakes.openai_server import Reply, fake_vector
from tests.integration.topics.topics_helpers import SlowOpenAI, add_notes
from tests.support.sandbox import SandboxClient

ANSWER = ("You planned to plant tomatoes on the balcony in May [1] and to buy a bigger watering can before "
          "that [2]. Nothing else in your notes mentions the garden, so that is all I can tell you for now.")


@pytest.fixture
async def slow_openai(runtime: Runtime) -> AsyncIterator[SlowOpenAI]:
    server = SlowOpenAI()
    server.embedder = fake_vector  # embeddings (the question's, the notes') never take a scripted answer
    async with server:
        runtime.settings = runtime.settings.model_copy(update={
            "ai_provider": "openai", "openai_api_key": "sk-test-platform-key", "openai_base_url": server.base_url,
            "ai_max_retries": 0, "ask_stream_interval": 0.25,
        })
        yield server


async def ask(sandbox: SandboxClient, chat_id: int, question: str) -> int:
    """Send /ask; the id of the user's message (the bot's answer replies to it)."""
    sent = await sandbox.say(chat_id, f"/ask {question}", language_code="en")
    return int(sent["message_id"])


async def watch_answer(sandbox: SandboxClient, chat_id: int, question_id: int, done: str,
                       timeout: float = 15.0) -> tuple[dict[str, Any], list[str]]:
    """Watch the bot's reply to ``question_id`` until its text contains ``done``; every text it showed."""
    seen: list[str] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        replies = [m for m in await sandbox.bot_messages(chat_id) if m["reply_to_message_id"] == question_id]
        if replies:
            text = replies[0]["text"] or ""
            if not seen or seen[-1] != text:
                seen.append(text)
            if done in text:
                return replies[0], seen
        await asyncio.sleep(0.02)
    raise AssertionError(f"no final answer; the reply showed {seen}")


async def edits_of(app: BotServices, chat_id: int) -> list[OutboxMessage]:
    async with app.runtime.session_factory() as s:
        query = select(OutboxMessage).where(OutboxMessage.chat_id == chat_id,
                                            OutboxMessage.method == "editMessageText",
                                            OutboxMessage.status == OutboxStatus.SENT)
        return list((await s.scalars(query)).all())


class TestStreaming:
    async def test_the_answer_appears_while_it_is_generated(self, slow_openai: SlowOpenAI, bot_app: BotServices,
                                                            sandbox: SandboxClient) -> None:
        await add_notes(bot_app.runtime, 1601, "Plant tomatoes on the balcony in May",
                        "Buy a bigger watering can", "Call the bank about the card", file=False)
        slow_openai.enqueue(Reply.ok(ANSWER))
        question_id = await ask(sandbox, 1601, "what did I plan for the garden tomatoes?")
        final, seen = await watch_answer(sandbox, 1601, question_id, "for now.")

        assert final["text"] == ANSWER and final["edited"]
        partial = [text for text in seen if text.endswith(CURSOR)]
        assert len(partial) >= 2  # the user saw the answer grow, more than once
        assert all(ANSWER.startswith(text.removesuffix(CURSOR)) for text in partial)
        assert len(await edits_of(bot_app, 1601)) >= 3  # streamed edits, then the final one
        (request,) = slow_openai.requests_to("/chat/completions")
        assert request.json["stream"] is True
        prompt = request.json["messages"][-1]["content"]
        assert "Plant tomatoes on the balcony in May" in prompt  # the user's own note is the context

    async def test_a_long_answer_ends_in_several_messages(self, slow_openai: SlowOpenAI, bot_app: BotServices,
                                                          sandbox: SandboxClient) -> None:
        slow_openai.delay = 0.0
        long_answer = "\n\n".join(f"Part {i}. " + "The tomatoes need water every morning. " * 20 for i in range(8))
        slow_openai.enqueue(Reply.ok(long_answer))
        question_id = await ask(sandbox, 1602, "tell me everything about tomatoes")
        msgs = await sandbox.wait_for(1602, lambda ms: any("Part 7." in (m["text"] or "") for m in ms))
        first = next(m for m in msgs if m["reply_to_message_id"] == question_id)
        rest = [m for m in msgs if m["message_id"] > first["message_id"]]
        assert len(first["text"]) <= 4096 and first["text"].startswith("Part 0.") and not first["text"].endswith(CURSOR)
        assert len(rest) == 1
        assert " ".join([first["text"], *(m["text"] for m in rest)]).split() == long_answer.split()

    async def test_a_provider_error_is_said_plainly(self, slow_openai: SlowOpenAI, bot_app: BotServices,
                                                    sandbox: SandboxClient) -> None:
        slow_openai.enqueue(Reply.error(500))
        question_id = await ask(sandbox, 1603, "anything about tomatoes?")
        final, _ = await watch_answer(sandbox, 1603, question_id, "AI service")
        assert final["text"] == "⚠️ The AI service is not answering right now. Please try again in a few minutes."


class TestFormatting:
    async def test_the_final_answer_is_formatted_never_raw_markdown(self, slow_openai: SlowOpenAI,
                                                                    bot_app: BotServices,
                                                                    sandbox: SandboxClient) -> None:
        slow_openai.delay = 0.0
        slow_openai.enqueue(Reply.ok("**Tomatoes**: water them *every morning* [1].\n\n- use `rain water`\n"
                                     "- keep 5 < 7 & done"))
        question_id = await ask(sandbox, 1604, "how do I water tomatoes?")
        final, _ = await watch_answer(sandbox, 1604, question_id, "done")
        assert final["text"] == "Tomatoes: water them every morning [1].\n\n• use rain water\n• keep 5 < 7 & done"
        shown = {(e["type"], final["text"][e["offset"]:e["offset"] + e["length"]]) for e in final["entities"]}
        assert shown == {("bold", "Tomatoes"), ("italic", "every morning"), ("code", "rain water")}

    async def test_a_long_formatted_answer_is_split_with_valid_formatting(self, slow_openai: SlowOpenAI,
                                                                          bot_app: BotServices,
                                                                          sandbox: SandboxClient) -> None:
        slow_openai.delay = 0.0
        long_answer = "\n\n".join(f"**Part {i}.** " + "The tomatoes need *water* every morning. " * 20
                                   for i in range(8))
        slow_openai.enqueue(Reply.ok(long_answer))
        question_id = await ask(sandbox, 1605, "tell me everything about tomatoes")
        msgs = await sandbox.wait_for(1605, lambda ms: any("Part 7." in (m["text"] or "") for m in ms))
        first = next(m for m in msgs if m["reply_to_message_id"] == question_id)
        parts = [first, *(m for m in msgs if m["message_id"] > first["message_id"])]
        assert len(parts) == 2 and all(len(m["text"]) <= 4096 for m in parts)
        assert not any("**" in m["text"] or "*water*" in m["text"] for m in parts)
        bold = [m["text"][e["offset"]:e["offset"] + e["length"]] for m in parts for e in m["entities"]
                if e["type"] == "bold"]
        assert bold == [f"Part {i}." for i in range(8)]


class TestLocalProvider:
    async def test_the_notes_sharing_words_with_the_question(self, bot_app: BotServices,
                                                             sandbox: SandboxClient) -> None:
        await add_notes(bot_app.runtime, 1611, "Plant tomatoes on the balcony in May", "Call the bank",
                        file=False)
        question_id = await ask(sandbox, 1611, "when do I plant tomatoes?")
        final, _ = await watch_answer(sandbox, 1611, question_id, "[1]")
        assert final["text"].startswith("Local mode, no AI")
        assert "[1] #1 (" in final["text"] and "Plant tomatoes on the balcony in May" in final["text"]
        assert "Call the bank" not in final["text"]

    async def test_a_question_is_needed(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(1612, "/ask", language_code="en")
        await sandbox.wait_for_text(1612, "Ask me about your own notes")
