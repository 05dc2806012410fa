"""Beyond the words of a question: a scanned page read by OCR is searched and cited like a text page, and blocks
embedded by the user's own cloud provider at ingest rank a question that shares no word with the right page."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from core.ai import secrets
from core.crypto import SecretBox
from core.documents import reading
from core.documents.models import DocFile, FileBlock
from core.runtime import Runtime
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.integration.documents.conftest import ALICE
from tests.integration.documents.documents_helpers import ask, chat_with, final_of
from tests.support.documents import SCAN_TOP, facts_pdf, scanned_text_pdf

ADMIN = {"Authorization": "Bearer admin-secret"}


@pytest.mark.skipif(not reading.ocr_languages(), reason="needs tesseract-ocr with rus and eng (make system-deps)")
class TestScannedPages:
    async def test_a_scanned_page_is_read_by_ocr_and_cited(self, client: httpx.AsyncClient) -> None:
        chat_id, file = await chat_with(client, scanned_text_pdf(), "Скан.pdf")
        assert (file["scanned_pages"], file["ocr_pages"]) == (1, 1)
        final = final_of(await ask(client, chat_id, "Какой гарантийный срок на компрессоры?"))
        assert "36 месяцев" in final["content"]
        (citation, *_) = final["citations"]
        assert (citation["file_id"], citation["page"]) == (file["id"], 1)
        assert citation["box"][1] == pytest.approx(SCAN_TOP, abs=0.02)  # the zoom button crops the paragraph

    async def test_the_operator_can_switch_ocr_off(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        runtime.settings = runtime.settings.model_copy(update={"admin_token": "admin-secret"})
        response = await client.patch("/admin/settings/system", headers=ADMIN, json={"ocr": False})
        assert response.status_code == 200 and response.json()["ocr"] is False
        _, file = await chat_with(client, scanned_text_pdf(), "Скан.pdf")
        assert (file["scanned_pages"], file["ocr_pages"]) == (1, 0)


TOPICS = (("гарант", "warrant", "guarant"), ("насос", "pump"), ("штраф", "penalt"))


def topical(text: str) -> list[float]:
    """A tiny embedding model that knows three topics in both languages (what a real one does, in little)."""
    low = text.lower()
    return [1.0 if any(word in low for word in words) else 0.0 for words in TOPICS] + [0.05]


async def own_openai_key(runtime: Runtime) -> None:
    async with runtime.unit_of_work() as session:
        await secrets.set_api_key(session, SecretBox.from_settings(runtime.settings), ALICE, "openai", "sk-alice-own")


class TestProviderEmbeddings:
    QUESTION = "How long is the pump guarantee?"  # not one word in common with the Russian page 2

    async def test_blocks_are_embedded_at_ingest_and_rank_the_question(self, client: httpx.AsyncClient,
                                                                      runtime: Runtime,
                                                                      fake_openai: FakeOpenAI) -> None:
        fake_openai.embedder = topical
        await own_openai_key(runtime)
        chat_id, file = await chat_with(client, facts_pdf())
        async with runtime.read_only() as session:
            stored = await session.get(DocFile, file["id"])
            blocks = (await session.scalars(select(FileBlock).where(FileBlock.file_id == file["id"])
                                            .order_by(FileBlock.id))).all()
        assert stored is not None and stored.embedding_model == "openai:text-embedding-3-small"
        assert all(b.semantic for b in blocks)
        (ingest,) = fake_openai.requests_to("/embeddings")
        assert ingest.json["input"] == [b.text for b in blocks]
        assert ingest.headers["authorization"] == "Bearer sk-alice-own"

        fake_openai.enqueue(Reply.ok("24 months [1]."))
        final = final_of(await ask(client, chat_id, self.QUESTION))
        assert final["citations"][0]["page"] == 2
        question = fake_openai.requests_to("/embeddings")[-1]
        assert question.json["input"] == [self.QUESTION]
        context = fake_openai.requests_to("/chat/completions")[-1].json["messages"][-1]["content"]
        assert "[1] Устав.pdf, с. 2, блок 1" in context

    async def test_without_them_the_same_question_misses_the_page(self, client: httpx.AsyncClient,
                                                                          runtime: Runtime,
                                                                          fake_openai: FakeOpenAI) -> None:
        runtime.settings = runtime.settings.model_copy(update={"admin_token": "admin-secret"})
        assert (await client.patch("/admin/settings/system", headers=ADMIN,
                                   json={"semantic_search": False})).status_code == 200
        fake_openai.embedder = topical
        await own_openai_key(runtime)
        chat_id, _ = await chat_with(client, facts_pdf())
        fake_openai.enqueue(Reply.ok("I do not know [1]."))
        final = final_of(await ask(client, chat_id, self.QUESTION))
        assert final["citations"][0]["page"] != 2  # the English page about valves, by its few common words
        assert fake_openai.requests_to("/embeddings") == []

    async def test_a_provider_failing_to_embed_leaves_the_file_searchable(self, client: httpx.AsyncClient,
                                                                         runtime: Runtime,
                                                                         fake_openai: FakeOpenAI) -> None:
        fake_openai.embedder = None
        fake_openai.enqueue(Reply.error(500))
        await own_openai_key(runtime)
        _, file = await chat_with(client, facts_pdf())
        async with runtime.read_only() as session:
            stored = await session.get(DocFile, file["id"])
        assert stored is not None and stored.status == "ready" and stored.embedding_model is None
