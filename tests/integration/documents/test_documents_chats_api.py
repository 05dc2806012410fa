"""Chats over documents through the API, with the offline provider: a question's answer streams as server-sent
events (phases, tokens, the final answer with its citations), resumable with Last-Event-ID; history; per-user
isolation on every route; clear refusals."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.documents import repository
from core.documents.models import ChatMessage
from core.runtime import Runtime
from tests.integration.documents.conftest import ready_file
from tests.integration.documents.documents_helpers import ask, chat_with, final_of, read_stream
from tests.support.documents import FACTS, facts_pdf


class TestAnswer:
    async def test_the_answer_streams_and_cites_the_right_page(self, client: httpx.AsyncClient) -> None:
        chat_id, file = await chat_with(client, facts_pdf())
        events = await ask(client, chat_id, "Какой гарантийный срок на насосы?")
        names = [e.event for e in events]
        assert names[:3] == ["phase_started", "phase_progress", "phase_started"]
        assert events[0].data["phase"] == "retrieval" and events[2].data == {
            "phase": "answer", "model": "heuristic-v1", "blocks": 3, "message_id": events[0].data["message_id"]}
        assert "llm_token" in names and names[-1] == "llm_final"
        assert [e.id for e in events] == sorted(e.id for e in events)
        final = final_of(events)
        streamed = "".join(e.data["text"] for e in events if e.event == "llm_token")
        assert final["content"] == streamed.strip()
        assert "24 месяца" in final["content"]
        first = final["citations"][0]
        assert (first["n"], first["file_id"], first["page"]) == (1, file["id"], 2)
        assert first["file_name"] == "Устав.pdf" and len(first["box"]) == 4

    async def test_each_fact_is_found_on_its_page(self, client: httpx.AsyncClient) -> None:
        chat_id, _ = await chat_with(client, facts_pdf())
        for question, page in [("Какой штраф за просрочку поставки?", 4), ("Какой напор у насоса НС-200?", 3),
                                ("What is the warranty period for valves?", 5)]:
            final = final_of(await ask(client, chat_id, question))
            assert final["citations"][0]["page"] == page, (question, final)

    async def test_history_keeps_questions_and_answers(self, client: httpx.AsyncClient) -> None:
        chat_id, file = await chat_with(client, facts_pdf())
        await ask(client, chat_id, "Какой гарантийный срок на насосы?")
        await ask(client, chat_id, "Какой штраф за просрочку поставки?")
        body = (await client.get(f"/api/v1/chats/{chat_id}")).json()
        assert [f["id"] for f in body["files"]] == [file["id"]]
        assert [(m["role"], m["status"]) for m in body["messages"]] == [
            ("user", "done"), ("assistant", "done"), ("user", "done"), ("assistant", "done")]
        assert body["messages"][1]["citations"][0]["page"] == 2
        tail = (await client.get(f"/api/v1/chats/{chat_id}", params={"tail": 2})).json()["messages"]
        assert [m["content"] for m in tail][0] == "Какой штраф за просрочку поставки?"

    async def test_a_markdown_document_is_answered_from_its_paragraphs(self, client: httpx.AsyncClient) -> None:
        text = "# Гарантия\n\nНасосы: гарантия 24 месяца.\n\nКлапаны: гарантия 12 месяцев.\n"
        chat_id, _ = await chat_with(client, text.encode(), "warranty.md")
        final = final_of(await ask(client, chat_id, "Какая гарантия на клапаны?"))
        first = next(line for line in final["content"].splitlines() if line.startswith("[1]"))
        assert "12 месяцев" in first


class TestResume:
    async def test_a_client_resumes_after_the_last_event_it_saw(self, client: httpx.AsyncClient) -> None:
        chat_id, _ = await chat_with(client, facts_pdf())
        events = await ask(client, chat_id, "Какой гарантийный срок на насосы?")
        middle = events[len(events) // 2]
        resumed = await read_stream(client, chat_id, last_event_id=middle.id)
        assert [e.id for e in resumed] == [e.id for e in events if e.id > middle.id]
        assert resumed[-1].event == "llm_final"
        again = await read_stream(client, chat_id)  # no Last-Event-ID: the latest answer from its beginning
        assert [e.id for e in again] == [e.id for e in events]
        after_end = await read_stream(client, chat_id, last_event_id=events[-1].id)
        assert after_end == []  # nothing is being written: the stream ends at once


    async def test_an_event_written_while_the_stream_opens_is_not_skipped(
            self, client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
        """Regression: the stream's start was "the answer's first event, else the chat's last event", read in two
        queries; an answer's first event written between them was skipped (a client missed `phase_started`)."""
        chat_id, _ = await chat_with(client, facts_pdf())
        async with runtime.unit_of_work() as session:  # an answer whose job has not written anything yet
            answer = ChatMessage(chat_id=chat_id, role="assistant", content="", status="streaming")
            session.add(answer)
        original = repository.last_event_id

        async def job_writes_now(session: AsyncSession, chat: int, **kwargs: Any) -> int:
            await repository.add_events(session, chat, answer.id, [("phase_started", {"phase": "retrieval"})])
            return await original(session, chat, **kwargs)

        async def job_finishes() -> None:
            await asyncio.sleep(0.3)
            async with runtime.unit_of_work() as session:
                await repository.add_events(session, chat_id, answer.id, [("llm_final", {"content": "x"})])
                (await session.get(ChatMessage, answer.id)).status = "done"  # type: ignore[union-attr]

        monkeypatch.setattr(repository, "last_event_id", job_writes_now)
        finishing = asyncio.create_task(job_finishes())
        events = await read_stream(client, chat_id)
        await finishing
        assert [e.event for e in events] == ["phase_started", "llm_final"]


class TestRefusals:
    async def test_a_chat_without_a_document(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        chat = (await client.post("/api/v1/chats", json={"title": "empty"})).json()
        response = await client.post(f"/api/v1/chats/{chat['id']}/messages", json={"content": "Что там?"})
        assert (response.status_code, response.json()["code"]) == (409, "ERR_CHAT_NO_FILES")
        async with runtime.read_only() as session:
            assert await session.scalar(select(func.count()).select_from(ChatMessage)) == 0

    async def test_an_empty_question_is_invalid(self, client: httpx.AsyncClient) -> None:
        chat_id, _ = await chat_with(client, facts_pdf())
        response = await client.post(f"/api/v1/chats/{chat_id}/messages", json={"content": ""})
        assert (response.status_code, response.json()["code"]) == (422, "ERR_VALIDATION")
        response = await client.post(f"/api/v1/chats/{chat_id}/messages", json={"content": "   "})
        assert (response.status_code, response.json()["code"]) == (400, "ERR_QUESTION_EMPTY")

    async def test_a_second_question_while_the_first_is_answered(self, client: httpx.AsyncClient,
                                                                runtime: Runtime) -> None:
        chat_id, _ = await chat_with(client, facts_pdf())
        async with runtime.unit_of_work() as session:  # an answer still being written
            session.add(ChatMessage(chat_id=chat_id, role="assistant", content="", status="streaming"))
        response = await client.post(f"/api/v1/chats/{chat_id}/messages", json={"content": "Штраф?"})
        assert (response.status_code, response.json()["code"]) == (409, "ERR_CHAT_BUSY")


class TestIsolation:
    async def test_another_users_chat_and_file_are_not_found_on_any_route(self, client: httpx.AsyncClient,
                                                                          bob: httpx.AsyncClient) -> None:
        chat_id, file = await chat_with(client, facts_pdf())
        await ask(client, chat_id, "Какой гарантийный срок на насосы?")
        bobs_chat = (await bob.post("/api/v1/chats", json={"title": "Bob's"})).json()["id"]
        calls = [
            ("GET", f"/api/v1/chats/{chat_id}", None, "ERR_CHAT_NOT_FOUND"),
            ("GET", f"/api/v1/chats/{chat_id}/stream", None, "ERR_CHAT_NOT_FOUND"),
            ("POST", f"/api/v1/chats/{chat_id}/messages", {"content": "Штраф?"}, "ERR_CHAT_NOT_FOUND"),
            ("POST", f"/api/v1/chats/{chat_id}/attachments", {"file_id": file["id"]}, "ERR_CHAT_NOT_FOUND"),
            ("POST", f"/api/v1/chats/{bobs_chat}/attachments", {"file_id": file["id"]}, "ERR_DOC_NOT_FOUND"),
            ("GET", f"/api/v1/files/{file['id']}", None, "ERR_DOC_NOT_FOUND"),
        ]
        for method, path, body, code in calls:
            response = await bob.request(method, path, json=body)
            assert (response.status_code, response.json()["code"]) == (404, code), (method, path)
        assert [c["id"] for c in (await bob.get("/api/v1/chats")).json()] == [bobs_chat]
        assert chat_id in [c["id"] for c in (await client.get("/api/v1/chats")).json()]

    async def test_a_question_searches_only_the_chats_own_documents(self, client: httpx.AsyncClient,
                                                                   bob: httpx.AsyncClient) -> None:
        await ready_file(client, facts_pdf())  # Alice's, not attached to Bob's chat
        bobs_chat, _ = await chat_with(bob, b"# Notes\n\nThe office opens at nine.\n", "notes.md")
        final = final_of(await ask(bob, bobs_chat, "Какой гарантийный срок на насосы?"))
        assert {c["file_name"] for c in final["citations"]} == {"notes.md"}
        assert FACTS[2][0] not in final["content"]
