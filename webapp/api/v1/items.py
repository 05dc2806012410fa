"""Items REST API (/api/v1): thin endpoints over core.items.actions; every route needs the user's credentials, and
every change is told in the user's chat as the bot would tell it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status

from core.db.base import utcnow
from core.items import actions
from core.items.presenter import ITEMS
from core.items.schemas import (
    AnswerRequest,
    CreatedItemOut,
    ItemCreate,
    ItemOut,
    ItemPage,
    ItemPatch,
    ItemStats,
    ScheduleRequest,
)
from webapp.deps import CurrentUser, RuntimeDep, SessionDep
from webapp.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["items"])


def _caller(user: CurrentUser, runtime: RuntimeDep) -> actions.Caller:
    return actions.Caller(user=user, presenter=runtime.presenters.get(ITEMS), ttl=runtime.settings.clarification_ttl)


Caller = Annotated[actions.Caller, Depends(_caller)]
ItemId = Annotated[int, Path(ge=-(2**63), le=2**63 - 1)]  # a BIGINT: larger numbers are a validation error
Status = Literal["inbox", "scheduled", "done", "cancelled"]
Kind = Literal["note", "task", "meeting", "reminder"]

NOT_FOUND = {404: "ERR_ITEM_GONE: no such item among the user's own"}
BAD_DATE = "ERR_ITEM_BAD_DATE"
BAD_TIME = "ERR_ITEM_BAD_TIME"
FINISHED = "ERR_ITEM_ALREADY_DONE, ERR_ITEM_ALREADY_CANCELLED: the item is done or cancelled already"


@router.get("/items", responses=errors({400: f"{BAD_DATE} (dateFrom, dateTo), ERR_ITEM_BAD_RANGE"}))
async def list_items(
    user: CurrentUser, session: SessionDep,
    item_status: Annotated[list[Status] | None, Query(alias="status", description="any of these (repeatable)")] = None,
    kind: Kind | None = None,
    date_from: Annotated[str | None, Query(alias="dateFrom", description="YYYY-MM-DD, the user's day")] = None,
    date_to: Annotated[str | None, Query(alias="dateTo", description="YYYY-MM-DD, included")] = None,
    q: Annotated[str | None, Query(description="words the title or text contains, each")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(alias="perPage", ge=1, le=actions.MAX_PER_PAGE)] = 20,
) -> ItemPage:
    """The user's items, newest first; with dateFrom/dateTo, those on these days in the order of their times."""
    return await actions.list_items(session, user, statuses=list(item_status or ()), kind=kind, date_from=date_from,
                                    date_to=date_to, q=q, page=page, per_page=per_page, now=utcnow())


@router.get("/items/stats")
async def item_stats(user: CurrentUser, session: SessionDep) -> ItemStats:
    return await actions.stats(session, user, utcnow())


@router.post("/items", status_code=status.HTTP_201_CREATED, responses={
    200: {"model": CreatedItemOut, "description": "the text answered the user's open question (`result` says how)"},
})
async def create_item(body: ItemCreate, caller: Caller, session: SessionDep, response: Response) -> CreatedItemOut:
    """The text is read exactly as a message to the bot: kind, dates, repeats; an unclear time comes back as the
    item's `question`, and the chat asks it too."""
    created = await actions.create(session, caller, body.text, utcnow())
    if created.result != "created":
        response.status_code = status.HTTP_200_OK
    return created


@router.get("/items/{item_id}", responses=errors(NOT_FOUND))
async def get_item(item_id: ItemId, user: CurrentUser, session: SessionDep) -> ItemOut:
    return await actions.get(session, user, item_id, utcnow())


@router.patch("/items/{item_id}", responses=errors({
    400: "ERR_ITEM_BAD_KIND, ERR_ITEM_TITLE_REQUIRED, ERR_ITEM_TITLE_TOO_LONG, ERR_ITEM_TEXT_TOO_LONG", **NOT_FOUND}))
async def update_item(item_id: ItemId, body: ItemPatch, caller: Caller, session: SessionDep) -> ItemOut:
    return await actions.update(session, caller, item_id, body, utcnow())


@router.delete("/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(NOT_FOUND))
async def delete_item(item_id: ItemId, caller: Caller, session: SessionDep) -> None:
    """An open item is cancelled (its calendar event and reminder go; undo brings it back); a done or cancelled one
    is left as it is."""
    await actions.remove(session, caller, item_id, utcnow())


@router.post("/items/{item_id}/schedule", responses=errors({
    400: f"{BAD_DATE}, {BAD_TIME}, ERR_ITEM_BAD_DURATION", **NOT_FOUND,
    409: "ERR_ITEM_CANCELLED: a cancelled item gets no new time (undo it first)"}))
async def schedule_item(item_id: ItemId, body: ScheduleRequest, caller: Caller, session: SessionDep) -> ItemOut:
    """A date and time, by /set's rules (no date: the next time the clock shows `time`); reopens a done item."""
    return await actions.schedule(session, caller, item_id, body, utcnow())


@router.post("/items/{item_id}/answer", responses=errors({
    400: BAD_TIME, **NOT_FOUND, 409: "ERR_QUESTION_EXPIRED: no such choice open on this item (answered, expired)"}))
async def answer_question(item_id: ItemId, body: AnswerRequest, caller: Caller, session: SessionDep) -> ItemOut:
    """Answer the item's open `question` as its buttons in the chat do."""
    return await actions.answer(session, caller, item_id, body, utcnow())


@router.post("/items/{item_id}/done", responses=errors({**NOT_FOUND, 409: FINISHED}))
async def done(item_id: ItemId, caller: Caller, session: SessionDep) -> ItemOut:
    """Done; a repeating item moves on to its next occurrence instead."""
    return await actions.finish(session, caller, item_id, "done", utcnow())


@router.post("/items/{item_id}/skip", responses=errors({
    400: "ERR_ITEM_NOT_REPEATING: only a repeating item's occurrence is skipped", **NOT_FOUND, 409: FINISHED}))
async def skip(item_id: ItemId, caller: Caller, session: SessionDep) -> ItemOut:
    return await actions.finish(session, caller, item_id, "skip", utcnow())


@router.post("/items/{item_id}/cancel", responses=errors({**NOT_FOUND, 409: FINISHED}))
async def cancel(item_id: ItemId, caller: Caller, session: SessionDep) -> ItemOut:
    return await actions.finish(session, caller, item_id, "cancel", utcnow())


@router.post("/items/{item_id}/undo", responses=errors({
    **NOT_FOUND, 409: "ERR_NOTHING_TO_UNDO: every change of this item is undone already"}))
async def undo(item_id: ItemId, caller: Caller, session: SessionDep) -> ItemOut:
    """The item's last change is taken back (its creation: it is cancelled)."""
    return await actions.undo(session, caller, item_id, utcnow())
