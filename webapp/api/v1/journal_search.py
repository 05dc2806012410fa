"""Questions over the journal (/api/v1/ai/search, /api/v1/ai/chat): the same retrieval and figures as /ask in chat,
answered as JSON `{"response", "suggestedFilters", "entryIds"}`. Thin endpoints over core.ask."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from core.ask import service as answers
from core.db.base import utcnow
from core.db.values import storable_text
from webapp.deps import CurrentUser, SessionDep, SettingsDep
from webapp.openapi import errors

router = APIRouter(prefix="/api/v1/ai", tags=["journal"])
AI_DOWN = {503: "ERR_AI_UNAVAILABLE, ERR_AI_RATE_LIMITED, ERR_AI_QUOTA, ERR_AI_AUTH…: the user's AI provider failed"}


class SearchIn(BaseModel):
    query: str = Field(min_length=1, max_length=1000)


class ChatIn(BaseModel):
    message: str = Field(min_length=1, max_length=2000)


class AskOut(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    response: str
    suggested_filters: dict[str, Any] = Field(description="the entry list's query names: category, people, q, "
                                                          "dateFrom, dateTo")
    entry_ids: list[int] = Field(description="the entries the answer rests on, best first")


def _out(reply: answers.Reply) -> AskOut:
    return AskOut(response=reply.response, suggested_filters=reply.suggested_filters, entry_ids=reply.entry_ids)


@router.post("/search", response_model_by_alias=True, responses=errors(AI_DOWN))
async def ai_search(body: SearchIn, user: CurrentUser, session: SessionDep, settings: SettingsDep) -> AskOut:
    """Entries and notes for a question (full text + embeddings), and its figure when it asks for one (computed
    from the database), without a model's answer."""
    return _out(await answers.reply(session, settings, user, storable_text(body.query), now=utcnow(), chat=False))


@router.post("/chat", response_model_by_alias=True, responses=errors(AI_DOWN))
async def ai_chat(body: ChatIn, user: CurrentUser, session: SessionDep, settings: SettingsDep) -> AskOut:
    """An answer in the second person over the user's own entries and notes (as /ask in chat)."""
    return _out(await answers.reply(session, settings, user, storable_text(body.message), now=utcnow(), chat=True))
