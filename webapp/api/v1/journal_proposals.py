"""Proposals REST API (/api/v1/journal/proposals): the Mini App's form of a card the chat showed — read its drafts,
save them (changed or not). Saving edits the chat's card to "saved", as the Save button would. Thin endpoints over
core.journal.proposals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path

from core.db.base import utcnow
from core.i18n import translator
from core.journal import proposals
from core.journal.presenter import JOURNAL
from core.journal.schemas import ProposalOut, ProposalSaved, ProposalSaveIn
from core.telegram.outbox import Outbox
from webapp.api.v1.journal import BAD_ENTRY
from webapp.deps import CurrentUser, RuntimeDep, SessionDep
from webapp.openapi import errors

router = APIRouter(prefix="/api/v1/journal", tags=["journal"])

ProposalId = Annotated[int, Path(ge=-(2**63), le=2**63 - 1)]
NOT_FOUND = {404: "ERR_JOURNAL_PROPOSAL_NOT_FOUND: no such proposal among the user's own"}
CLOSED = {409: "ERR_JOURNAL_PROPOSAL_CLOSED: saved, cancelled or kept as a note already"}


@router.get("/proposals/{proposal_id}", responses=errors(NOT_FOUND))
async def get_proposal(proposal_id: ProposalId, user: CurrentUser, session: SessionDep) -> ProposalOut:
    """A proposal the chat showed: its status, the message and the drafts (entries as `POST /entries` takes them)."""
    return proposals.out(await proposals.owned(session, user.id, proposal_id))


@router.post("/proposals/{proposal_id}/save", responses=errors({
    **NOT_FOUND, **CLOSED, 400: f"{BAD_ENTRY}, ERR_JOURNAL_NOTHING_TO_SAVE"}))
async def save_proposal(proposal_id: ProposalId, user: CurrentUser, session: SessionDep, runtime: RuntimeDep,
                        body: Annotated[ProposalSaveIn | None, Body()] = None) -> ProposalSaved:
    """Save the drafts (or `drafts` given instead, each checked like `POST /entries`), all or none; the chat's card
    then says they are saved."""
    proposal, entries = await proposals.save(session, user, proposal_id, now=utcnow(),
                                             drafts=body.drafts if body is not None else None)
    if proposal.card_outbox_id is not None:
        text, markup = runtime.presenters.get(JOURNAL).saved(proposal, entries, translator(user.language))
        await Outbox(session, f"api:journal-proposal:{proposal.id}").edit_text(
            proposal.chat_id, text, outbox_id=proposal.card_outbox_id, reply_markup=markup, parse_mode=None)
    return ProposalSaved(entry_ids=[e.id for e in entries])
