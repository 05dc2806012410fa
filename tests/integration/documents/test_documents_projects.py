"""The projects tree (spec 6.4): the user's chats as projects with their documents, the documents in none, and a
document's results (the answers that cite it); another user's document is not found, and their chats never show."""

from __future__ import annotations

import httpx

from tests.integration.documents.conftest import ready_file
from tests.integration.documents.documents_helpers import ask, chat_with, final_of
from tests.support.documents import facts_pdf


class TestProjects:
    async def test_the_tree_and_a_documents_results(self, client: httpx.AsyncClient, bob: httpx.AsyncClient) -> None:
        chat_id, file = await chat_with(client, facts_pdf())
        loose = await ready_file(client, b"# Notes\n\nValves: 12 months.\n", "notes.md")
        other_chat, _ = await chat_with(bob, facts_pdf(), "Bob.pdf")
        final = final_of(await ask(client, chat_id, "Какой гарантийный срок на насосы?"))

        tree = (await client.get("/api/v1/projects/tree")).json()
        assert [(p["id"], p["title"], [d["id"] for d in p["documents"]]) for p in tree["projects"]] == [
            (chat_id, "Договор", [file["id"]])]
        assert [d["id"] for d in tree["documents"]] == [loose["id"]]

        body = (await client.get(f"/api/v1/projects/documents/{file['id']}/results")).json()
        assert body["document"]["id"] == file["id"]
        (result,) = body["results"]
        assert (result["chat_id"], result["question"]) == (chat_id, "Какой гарантийный срок на насосы?")
        assert result["answer"]["content"] == final["content"] and result["answer"]["citations"][0]["page"] == 2
        loose_results = (await client.get(f"/api/v1/projects/documents/{loose['id']}/results")).json()
        assert loose_results["results"] == []

        bobs = (await bob.get("/api/v1/projects/tree")).json()
        assert [p["id"] for p in bobs["projects"]] == [other_chat] and bobs["documents"] == []
        response = await bob.get(f"/api/v1/projects/documents/{file['id']}/results")
        assert (response.status_code, response.json()["code"]) == (404, "ERR_DOC_NOT_FOUND")
