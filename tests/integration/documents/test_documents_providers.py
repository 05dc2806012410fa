"""The simple pipeline with the cloud providers, through the real SDKs against the local fakes: the prompts reach the
model in the order of the spec's 5.4, the answer streams and cites the right page, the user's own key is used (never
another user's), the platform key only when the operator lends it, and a provider failing mid-stream ends the stream
with an `error` event and leaves the answer marked failed."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from core.ai import secrets
from core.crypto import SecretBox
from core.documents import prompts, service
from core.documents.defaults import ROLE_PROMPTS, SYSTEM_PROMPTS
from core.documents.models import ChatMessage
from core.runtime import Runtime
from tests.fakes.gemini_server import FakeGemini
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.integration.documents.conftest import ALICE, BOB
from tests.integration.documents.documents_helpers import ask, chat_with, final_of
from tests.support.documents import FACTS, facts_pdf

ANSWER = "Гарантийный срок на насосы — 24 месяца с даты ввода в эксплуатацию [1]."
QUESTION = "Какой гарантийный срок на насосы?"


async def own_key(runtime: Runtime, user_id: int, provider: str, key: str) -> None:
    async with runtime.unit_of_work() as session:
        await secrets.set_api_key(session, SecretBox.from_settings(runtime.settings), user_id, provider, key)


async def pick_role(runtime: Runtime, user_id: int, name: str) -> None:
    async with runtime.unit_of_work() as session:
        await prompts.add_version(session, prompts.RolePrompt, name, ROLE_PROMPTS[name][1], "", activate=True)
        await service.update_settings(session, user_id, role=name)


def system_texts() -> list[str]:
    return [SYSTEM_PROMPTS[name][1] for name in ("llm_system", "json_annotation", "html_ocr")]


class TestOpenAI:
    async def test_prompts_in_order_the_users_key_and_the_cited_page(self, client: httpx.AsyncClient,
                                                                      runtime: Runtime,
                                                                      fake_openai: FakeOpenAI) -> None:
        await own_key(runtime, ALICE, "openai", "sk-alice-own")
        await pick_role(runtime, ALICE, "инженер по гарантии")
        chat_id, file = await chat_with(client, facts_pdf())
        fake_openai.enqueue(Reply.ok(ANSWER))
        events = await ask(client, chat_id, QUESTION)
        final = final_of(events)
        assert final["content"] == ANSWER and final["model"] == "gpt-4o-mini"
        assert (final["citations"][0]["page"], final["citations"][0]["file_id"]) == (2, file["id"])
        assert len([e for e in events if e.event == "llm_token"]) >= 1
        request = fake_openai.requests_to("/chat/completions")[-1]
        assert request.headers["authorization"] == "Bearer sk-alice-own"
        messages = request.json["messages"]
        assert [m["role"] for m in messages] == ["system", "system", "system", "system", "user"]
        assert [m["content"] for m in messages[:4]] == [ROLE_PROMPTS["инженер по гарантии"][1], *system_texts()]
        user = messages[4]["content"]
        assert user.startswith(f"Вопрос: {QUESTION}") and "[1] Устав.pdf, с. 2" in user

    async def test_without_a_role_the_system_prompts_come_first(self, client: httpx.AsyncClient,
                                                               runtime: Runtime, fake_openai: FakeOpenAI) -> None:
        await own_key(runtime, ALICE, "openai", "sk-alice-own")
        chat_id, _ = await chat_with(client, facts_pdf())
        fake_openai.enqueue(Reply.ok(ANSWER))
        await ask(client, chat_id, QUESTION)
        messages = fake_openai.requests_to("/chat/completions")[-1].json["messages"]
        assert [m["content"] for m in messages[:3]] == system_texts() and messages[3]["role"] == "user"

    async def test_another_users_key_is_never_used(self, client: httpx.AsyncClient, bob: httpx.AsyncClient,
                                                  runtime: Runtime, fake_openai: FakeOpenAI) -> None:
        await own_key(runtime, BOB, "openai", "sk-bob-own")
        runtime.settings = runtime.settings.model_copy(update={"openai_api_key": "sk-platform"})
        chat_id, _ = await chat_with(client, facts_pdf())
        fake_openai.enqueue(Reply.ok(ANSWER))
        await ask(client, chat_id, QUESTION)
        assert fake_openai.requests_to("/chat/completions")[-1].headers["authorization"] == "Bearer sk-platform"

    async def test_no_own_key_and_no_lent_platform_key_is_a_clear_error(self, client: httpx.AsyncClient,
                                                                       runtime: Runtime,
                                                                       fake_openai: FakeOpenAI) -> None:
        runtime.settings = runtime.settings.model_copy(update={"openai_api_key": "sk-platform",
                                                               "documents_platform_key": False})
        chat_id, _ = await chat_with(client, facts_pdf())
        events = await ask(client, chat_id, QUESTION)
        assert [e.event for e in events] == ["error"]
        assert events[0].data["code"] == "ERR_DOC_NO_KEY" and "/key" in events[0].data["message"]
        assert fake_openai.requests == []

    async def test_a_provider_failing_mid_stream_ends_the_stream_with_an_error(
            self, client: httpx.AsyncClient, runtime: Runtime, fake_openai: FakeOpenAI) -> None:
        await own_key(runtime, ALICE, "openai", "sk-alice-own")
        # a Markdown document: no page images, so the answer streams from the first token (no tool rounds)
        chat_id, _ = await chat_with(client, "\n\n".join(FACTS[2]).encode(), "Устав.md")

        fake_openai.enqueue(Reply(content="Гарантийный срок — 24 месяца [1].", stream_error="overloaded"))
        events = await ask(client, chat_id, QUESTION)
        assert [e.event for e in events][-1] == "error"
        assert "".join(e.data["text"] for e in events if e.event == "llm_token") == "Гарантийный "
        assert events[-1].data["code"] == "ERR_AI_UNAVAILABLE"
        async with runtime.read_only() as session:
            answer = (await session.scalars(select(ChatMessage).where(ChatMessage.role == "assistant"))).one()
        assert (answer.status, answer.error_code, answer.content) == ("failed", "ERR_AI_UNAVAILABLE", "Гарантийный")


class TestSimpleWithTools:
    async def test_flash_zooms_into_a_page_then_answers_from_it(self, client: httpx.AsyncClient, runtime: Runtime,
                                                               fake_openai: FakeOpenAI) -> None:
        await own_key(runtime, ALICE, "openai", "sk-alice-own")
        chat_id, file = await chat_with(client, facts_pdf())
        zoom = {"page": 2, "x0": 0.1, "y0": 0.05, "x1": 0.9, "y1": 0.2}
        fake_openai.enqueue(Reply(tool_calls=[{"name": "zoom", "arguments": zoom}]), Reply.ok(ANSWER))
        events = await ask(client, chat_id, QUESTION)
        final = final_of(events)
        assert final["content"] == ANSWER and final["citations"][0]["page"] == 2
        assert "".join(e.data["text"] for e in events if e.event == "llm_token").strip() == ANSWER
        progress = [(e.data["action"], e.data["file_id"], e.data["page"], e.data["box"]) for e in events
                    if e.event == "phase_progress" and e.data["phase"] == "answer"]
        assert progress == [("zoom", file["id"], 2, [0.1, 0.05, 0.9, 0.2])]
        first, second = fake_openai.requests_to("/chat/completions")
        assert [t["function"]["name"] for t in first.json["tools"]] == ["request_images", "zoom"]
        assert first.json["model"] == second.json["model"] == "gpt-4o-mini"
        assert "Каталог изображений:" in first.json["messages"][-1]["content"]
        image_part = second.json["messages"][-1]["content"][1]
        assert image_part["image_url"]["url"].startswith("data:image/png;base64,")
        async with runtime.read_only() as session:
            answer = (await session.scalars(select(ChatMessage).where(ChatMessage.role == "assistant"))).one()
        assert answer.images == [{"kind": "zoom", "file_id": file["id"], "page": 2, "box": [0.1, 0.05, 0.9, 0.2]}]


class TestGemini:
    async def test_system_instruction_parts_in_order_and_the_cited_page(self, client: httpx.AsyncClient,
                                                                          runtime: Runtime,
                                                                          fake_gemini: FakeGemini) -> None:
        await own_key(runtime, ALICE, "gemini", "gm-alice-own")
        await pick_role(runtime, ALICE, "экономист")
        chat_id, _ = await chat_with(client, facts_pdf())
        fake_gemini.enqueue(Reply.ok("Штраф — 0,1% за каждый день просрочки [1]."))
        final = final_of(await ask(client, chat_id, "Какой штраф за просрочку поставки?"))
        assert final["citations"][0]["page"] == 4 and final["model"] == "gemini-2.5-flash"
        # a PDF: Flash may ask for pages and zooms (function calling), and answers in its last step
        request = fake_gemini.requests_to(":generateContent")[-1]
        assert "gemini-2.5-flash" in request.path and request.headers["x-goog-api-key"] == "gm-alice-own"
        declared = [f["name"] for tool in request.json["tools"] for f in tool["functionDeclarations"]]
        assert declared == ["request_images", "zoom"]
        parts = [p["text"] for p in request.json["systemInstruction"]["parts"]]
        assert parts == [ROLE_PROMPTS["экономист"][1], *system_texts()]
        user_parts = request.json["contents"][0]["parts"]
        assert user_parts[0]["text"].startswith("Вопрос: Какой штраф")
