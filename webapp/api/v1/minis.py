"""Minis REST API (/api/v1): thin endpoints over core.minis; every route needs the user's credentials."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from core.db.values import storable_text
from core.minis import service, transfer
from core.minis.errors import ERR_IMPORT_TOO_LARGE, MinisError
from core.minis.schemas import (
    AddRequest,
    HistoryGroupOut,
    ImportResult,
    MiniTypeOut,
    MoveRequest,
    TransferDocument,
    TypeCreate,
)
from webapp.deps import CurrentUser, SessionDep
from webapp.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["minis"])
# An escaped NUL in JSON text: `\u0000` after an even run of backslashes (after an odd one it is a literal "\u0000")
_ESCAPED_NUL = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000")


async def _import_body(request: Request) -> bytes:
    """The raw body, refused as soon as it passes the import size limit (without buffering the rest)."""
    too_large = MinisError(ERR_IMPORT_TOO_LARGE, f"an import is at most {transfer.MAX_IMPORT_BYTES} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > transfer.MAX_IMPORT_BYTES:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > transfer.MAX_IMPORT_BYTES:
            raise too_large
    return _ESCAPED_NUL.sub(rb"\1\\ufffd", bytes(body))  # as storable_text: PostgreSQL text cannot hold NUL


ImportBody = Annotated[bytes, Depends(_import_body)]
TypeId = Annotated[int, Path(ge=-(2**63), le=2**63 - 1)]  # a BIGINT: larger numbers are a validation error
NOT_FOUND = {404: "ERR_NOT_FOUND: no such type among the user's own"}
BAD_COUNT = "ERR_INVALID_QTY: the quantity is out of range"


@router.get("/types")
async def list_types(user: CurrentUser, session: SessionDep, q: str | None = None) -> list[MiniTypeOut]:
    return await service.list_types(session, user.id, q and storable_text(q))


@router.post("/types", status_code=status.HTTP_201_CREATED, responses=errors({
    400: f"ERR_NAME_REQUIRED, ERR_NAME_TOO_LONG, {BAD_COUNT}",
    409: "ERR_DUPLICATE_NAME: the user has a type of this name",
}))
async def create_type(body: TypeCreate, user: CurrentUser, session: SessionDep) -> MiniTypeOut:
    return await service.create_type(session, user.id, storable_text(body.name), body.quantity)


@router.get("/types/{type_id}", responses=errors(NOT_FOUND))
async def get_type(type_id: TypeId, user: CurrentUser, session: SessionDep) -> MiniTypeOut:
    return await service.get_type(session, user.id, type_id)


@router.post("/types/{type_id}/add", responses=errors({400: BAD_COUNT, **NOT_FOUND}))
async def add(type_id: TypeId, body: AddRequest, user: CurrentUser, session: SessionDep) -> MiniTypeOut:
    return await service.add(session, user.id, type_id, body.qty)


@router.post("/types/{type_id}/move", responses=errors({
    400: f"ERR_INVALID_STAGE, ERR_INVALID_STAGE_TRANSITION (moves only go forward), {BAD_COUNT}, ERR_INSUFFICIENT_QTY",
    **NOT_FOUND}))
async def move(type_id: TypeId, body: MoveRequest, user: CurrentUser, session: SessionDep) -> MiniTypeOut:
    return await service.move(session, user.id, type_id, body.from_stage, body.to_stage, body.qty)


@router.get("/types/{type_id}/history", responses=errors(NOT_FOUND))
async def history(type_id: TypeId, user: CurrentUser, session: SessionDep) -> list[HistoryGroupOut]:
    return await service.history(session, user.id, type_id)


@router.get("/export")
async def export(user: CurrentUser, session: SessionDep, response: Response) -> TransferDocument:
    response.headers["Cache-Control"] = "no-store"
    return await transfer.export_data(session, user.id)


@router.post("/import", responses=errors({
    400: "ERR_IMPORT_INVALID, ERR_IMPORT_TOO_LARGE (above 1 MiB), ERR_IMPORT_LIMITS, or a name's ERR_NAME_…",
    409: "ERR_DUPLICATE_NAME: a type of the import was created meanwhile; try again",
}), openapi_extra={"requestBody": {"content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/TransferDocument"}}}, "required": True}})
async def import_(user: CurrentUser, session: SessionDep, body: ImportBody) -> ImportResult:
    return await transfer.import_data(session, user.id, body)
