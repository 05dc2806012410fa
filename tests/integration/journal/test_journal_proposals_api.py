"""The proposals API the Mini App's form uses: read a card's drafts, save them (changed or not) once; another user's
proposal is not found; a closed one is a conflict; saving edits the chat's card."""

from __future__ import annotations

import httpx
from journal_helpers import SignIn
from sqlalchemy import select

from core.journal.models import Entry, Proposal, ProposalStatus
from core.runtime import Runtime
from core.telegram.models import OutboxMessage

DRAFTS = [{"action": "bought", "object": "food", "title": "Хлеб", "amount": 60, "currency": "RUB",
           "date": "2030-05-17"},
          {"action": "bought", "object": "food", "title": "Молоко", "amount": 90, "currency": "RUB",
           "date": "2030-05-17"}]


async def proposal_of(runtime: Runtime, user_id: int, card: bool = True) -> int:
    """An open proposal of two drafts, as the chat would have stored it with its card."""
    async with runtime.unit_of_work() as s:
        proposal = Proposal(user_id=user_id, chat_id=user_id, source="text", text="купил хлеб за 60 и молоко за 90",
                            drafts=DRAFTS, status=ProposalStatus.OPEN, entry_ids=[])
        s.add(proposal)
        await s.flush()
        if card:
            sent = OutboxMessage(chat_id=user_id, method="sendMessage", dedup_key=f"test:{proposal.id}",
                                 payload={"chat_id": user_id, "text": "card"})
            s.add(sent)
            await s.flush()
            proposal.card_outbox_id = sent.id
        return proposal.id


class TestProposalsApi:
    async def test_read_then_save_changed_drafts_once_and_the_card_says_saved(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        headers = await sign_in(7601, language="en")
        pid = await proposal_of(runtime, 7601)
        r = await api.get(f"/api/v1/journal/proposals/{pid}", headers=headers)
        assert r.status_code == 200
        body = r.json()
        assert (body["id"], body["status"], body["source"], body["entryIds"]) == (pid, "open", "text", [])
        assert [d["title"] for d in body["drafts"]] == ["Хлеб", "Молоко"]

        changed = [{**DRAFTS[0], "amount": "65.50", "people": ["Маша"]}]
        r = await api.post(f"/api/v1/journal/proposals/{pid}/save", json={"drafts": changed}, headers=headers)
        assert r.status_code == 200, r.text
        (entry_id,) = r.json()["entryIds"]
        async with runtime.session_factory() as s:
            entry = await s.get(Entry, entry_id)
            assert entry is not None and (entry.user_id, entry.amount_minor, entry.people) == (7601, 6550, ["Маша"])
            edit = await s.scalar(select(OutboxMessage).where(OutboxMessage.chat_id == 7601,
                                                              OutboxMessage.method == "editMessageText"))
            assert edit is not None and edit.payload["text"].startswith("✓ Saved to the journal: #1")

        again = await api.post(f"/api/v1/journal/proposals/{pid}/save", headers=headers)
        assert again.status_code == 409 and again.json()["code"] == "ERR_JOURNAL_PROPOSAL_CLOSED"
        assert (await api.get(f"/api/v1/journal/proposals/{pid}", headers=headers)).json()["status"] == "saved"

    async def test_another_users_proposal_is_not_found_and_bad_drafts_save_nothing(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        owner, other = await sign_in(7602, language="en"), await sign_in(7603, language="ru")
        pid = await proposal_of(runtime, 7602, card=False)
        for request in (api.get(f"/api/v1/journal/proposals/{pid}", headers=other),
                        api.post(f"/api/v1/journal/proposals/{pid}/save", headers=other),
                        api.get("/api/v1/journal/proposals/99999999", headers=owner)):
            r = await request
            assert r.status_code == 404 and r.json()["code"] == "ERR_JOURNAL_PROPOSAL_NOT_FOUND"
        bad = [DRAFTS[0], {**DRAFTS[1], "amount": "-5"}]
        r = await api.post(f"/api/v1/journal/proposals/{pid}/save", json={"drafts": bad}, headers=owner)
        assert r.status_code == 400 and r.json()["code"] == "ERR_JOURNAL_BAD_AMOUNT"
        r = await api.post(f"/api/v1/journal/proposals/{pid}/save", json={"drafts": []}, headers=owner)
        assert r.status_code == 422
        async with runtime.session_factory() as s:
            assert not list(await s.scalars(select(Entry).where(Entry.user_id == 7602)))
        r = await api.post(f"/api/v1/journal/proposals/{pid}/save", headers=owner)  # the stored drafts, no card
        assert r.status_code == 200 and len(r.json()["entryIds"]) == 2
