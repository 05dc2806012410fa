"""The complex pipeline: Flash (with the flash_extractor prompt) gets the candidate blocks and the image catalogue and
makes real tool calls — request_images, then zoom — whose page image and cropped region go back to it; it names the
blocks that matter; Pro answers from them with the images, streaming, and cites the right page. Against the fake
OpenAI and Gemini servers through the real SDKs, and with the offline provider."""

from __future__ import annotations

import base64
import io

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from core.ai import secrets
from core.crypto import SecretBox
from core.documents import service
from core.documents.defaults import SYSTEM_PROMPTS
from core.documents.models import ChatMessage, FileBlock
from core.runtime import Runtime
from tests.fakes.gemini_server import FakeGemini
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.integration.documents.conftest import ALICE
from tests.integration.documents.documents_helpers import ask, chat_with, final_of
from tests.support.documents import TABLE_PAGE, facts_pdf

QUESTION = "Какой напор у насоса НС-200?"
ANSWER = "Напор насоса НС-200 — 48 м [1]."
RENDER_SCALE = 2.0
A4 = (595.2756, 841.8898)
ZOOM = {"page": TABLE_PAGE, "x0": 0.1, "y0": 0.15, "x1": 0.75, "y1": 0.25}


async def table_block(runtime: Runtime) -> FileBlock:
    async with runtime.read_only() as session:
        return (await session.scalars(select(FileBlock).where(FileBlock.kind == "table"))).one()


async def complex_profile(runtime: Runtime, provider: str, key: str) -> None:
    async with runtime.unit_of_work() as session:
        await secrets.set_api_key(session, SecretBox.from_settings(runtime.settings), ALICE, provider, key)
        await service.update_settings(session, ALICE, model_profile="complex")


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


def expected_crop(box: tuple[float, float, float, float], margin: float = 0.02) -> tuple[int, int]:
    width, height = round(A4[0] * RENDER_SCALE), round(A4[1] * RENDER_SCALE)
    x0, y0, x1, y1 = box
    left, top = int((x0 - margin) * width), int((y0 - margin) * height)
    right, bottom = int((x1 + margin) * width) + 1, int((y1 + margin) * height) + 1
    return right - left, bottom - top


def data_url_bytes(part: dict[str, object]) -> bytes:
    url = str(part["image_url"]["url"])  # type: ignore[index]
    assert url.startswith("data:image/png;base64,")
    return base64.b64decode(url.split(",", 1)[1])


class TestOpenAI:
    async def test_flash_calls_tools_then_pro_answers_from_the_chosen_block(
            self, client: httpx.AsyncClient, runtime: Runtime, fake_openai: FakeOpenAI) -> None:
        await complex_profile(runtime, "openai", "sk-alice-own")
        chat_id, _ = await chat_with(client, facts_pdf())
        table = await table_block(runtime)
        fake_openai.enqueue(
            Reply(tool_calls=[{"name": "request_images", "arguments": {"pages": [TABLE_PAGE]}}]),
            Reply(tool_calls=[{"name": "zoom", "arguments": ZOOM}]),
            Reply.ok(f"Нужен блок [B{table.id}]: таблица характеристик."),
            Reply.ok(ANSWER))
        events = await ask(client, chat_id, QUESTION)
        final = final_of(events)
        assert final["content"] == ANSWER and final["model"] == "gpt-4o"
        assert [(c["n"], c["page"], c["block_id"]) for c in final["citations"]] == [(1, TABLE_PAGE, table.id)]

        phases = [(e.event, e.data.get("phase"), e.data.get("action")) for e in events if e.event != "llm_token"]
        assert phases == [("phase_started", "retrieval", None), ("phase_progress", "retrieval", None),
                          ("phase_started", "flash", None), ("phase_progress", "flash", "request_images"),
                          ("phase_progress", "flash", "zoom"), ("phase_progress", "flash", "selected"),
                          ("phase_started", "answer", None), ("llm_final", None, None)]
        assert events[2].data["model"] == "gpt-4o-mini" and events[5].data["blocks"] == [table.id]

        first, second, third, pro = fake_openai.requests_to("/chat/completions")
        assert first.json["model"] == "gpt-4o-mini" and "stream" not in first.json
        assert [t["function"]["name"] for t in first.json["tools"]] == ["request_images", "zoom"]
        assert [m["role"] for m in first.json["messages"]] == ["system", "user"]
        assert first.json["messages"][0]["content"] == SYSTEM_PROMPTS["flash_extractor"][1]
        assert f"[B{table.id}]" in first.json["messages"][1]["content"]
        assert "страницы 1–5" in first.json["messages"][1]["content"]  # the image catalogue
        tool_turn, images_turn = second.json["messages"][-2:]
        assert tool_turn["role"] == "tool" and tool_turn["tool_call_id"].startswith("call_")
        page_image = data_url_bytes(images_turn["content"][1])
        assert png_size(page_image) == (round(A4[0] * RENDER_SCALE), round(A4[1] * RENDER_SCALE))
        zoom_image = data_url_bytes(third.json["messages"][-1]["content"][1])
        box = (ZOOM["x0"], ZOOM["y0"], ZOOM["x1"], ZOOM["y1"])
        assert png_size(zoom_image) == pytest.approx(expected_crop(box), abs=2)  # the region asked for

        assert pro.json["model"] == "gpt-4o" and pro.json["stream"] is True
        assert [m["content"] for m in pro.json["messages"][:3]] == [
            SYSTEM_PROMPTS[n][1] for n in ("llm_system", "json_annotation", "html_ocr")]
        user = pro.json["messages"][3]["content"]
        assert user[0]["text"].startswith(f"Вопрос: {QUESTION}")
        assert f"[1] Устав.pdf, с. {TABLE_PAGE}" in user[0]["text"]
        assert "\n[2] " not in user[0]["text"]  # only the block Flash chose
        assert [png_size(data_url_bytes(p)) for p in user[1:]] == [png_size(page_image), png_size(zoom_image)]

        async with runtime.read_only() as session:
            answer = (await session.scalars(select(ChatMessage).where(ChatMessage.role == "assistant"))).one()
        assert [i["kind"] for i in answer.images] == ["page", "zoom"]


class TestGemini:
    async def test_function_calls_and_the_pro_model(self, client: httpx.AsyncClient, runtime: Runtime,
                                                    fake_gemini: FakeGemini) -> None:
        await complex_profile(runtime, "gemini", "gm-alice-own")
        chat_id, _ = await chat_with(client, facts_pdf())
        table = await table_block(runtime)
        fake_gemini.enqueue(
            Reply(tool_calls=[{"name": "zoom", "arguments": ZOOM}]),
            Reply.ok(f"[B{table.id}]"),
            Reply.ok(ANSWER))
        final = final_of(await ask(client, chat_id, QUESTION))
        assert final["model"] == "gemini-2.5-pro" and final["citations"][0]["page"] == TABLE_PAGE
        first, second, pro = [r for r in fake_gemini.requests if "mbed" not in r.path]
        assert "gemini-2.5-flash:generateContent" in first.path
        declarations = first.json["tools"][0]["functionDeclarations"]
        assert [d["name"] for d in declarations] == ["request_images", "zoom"]
        assert [p["text"] for p in first.json["systemInstruction"]["parts"]] == [
            SYSTEM_PROMPTS["flash_extractor"][1]]
        reply_turn = second.json["contents"][-1]
        assert reply_turn["parts"][0]["functionResponse"]["name"] == "zoom"
        zoom_image = base64.urlsafe_b64decode(reply_turn["parts"][1]["inlineData"]["data"])  # the SDK: base64url
        assert png_size(zoom_image) == pytest.approx(expected_crop((0.1, 0.15, 0.75, 0.25)), abs=2)
        assert "gemini-2.5-pro:streamGenerateContent" in pro.path
        image = pro.json["contents"][0]["parts"][1]["inlineData"]
        assert png_size(base64.urlsafe_b64decode(image["data"])) == png_size(zoom_image)


class TestOffline:
    async def test_the_local_flash_zooms_into_the_best_block(self, client: httpx.AsyncClient,
                                                             runtime: Runtime) -> None:
        async with runtime.unit_of_work() as session:
            await service.update_settings(session, ALICE, model_profile="complex")
        chat_id, _ = await chat_with(client, facts_pdf())
        events = await ask(client, chat_id, QUESTION)
        zoom = next(e for e in events if e.data.get("action") == "zoom")
        assert zoom.data["page"] == TABLE_PAGE
        final = final_of(events)
        assert final["citations"][0]["page"] == TABLE_PAGE and "48" in final["content"]
