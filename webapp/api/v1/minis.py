"""Minis REST API (/api/v1): thin endpoints over core.minis; every route needs the user's credentials."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

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

router = APIRouter(prefix="/api/v1", tags=["minis"])


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
    return bytes(body)


ImportBody = Annotated[bytes, Depends(_import_body)]
TypeId = Annotated[int, Path(ge=-(2**63), le=2**63 - 1)]  # a BIGINT: larger numbers are a validation error


@router.get("/types")
async def list_types(user: CurrentUser, session: SessionDep, q: str | None = None) -> list[MiniTypeOut]:
    return await service.list_types(session, user.id, q)


@router.post("/types", status_code=status.HTTP_201_CREATED)
async def create_type(body: TypeCreate, user: CurrentUser, session: SessionDep) -> MiniTypeOut:
    return await service.create_type(session, user.id, body.name, body.quantity)


@router.get("/types/{type_id}")
async def get_type(type_id: TypeId, user: CurrentUser, session: SessionDep) -> MiniTypeOut:
    return await service.get_type(session, user.id, type_id)


@router.post("/types/{type_id}/add")
async def add(type_id: TypeId, body: AddRequest, user: CurrentUser, session: SessionDep) -> MiniTypeOut:
    return await service.add(session, user.id, type_id, body.qty)


@router.post("/types/{type_id}/move")
async def move(type_id: TypeId, body: MoveRequest, user: CurrentUser, session: SessionDep) -> MiniTypeOut:
    return await service.move(session, user.id, type_id, body.from_stage, body.to_stage, body.qty)


@router.get("/types/{type_id}/history")
async def history(type_id: TypeId, user: CurrentUser, session: SessionDep) -> list[HistoryGroupOut]:
    return await service.history(session, user.id, type_id)


@router.get("/export")
async def export(user: CurrentUser, session: SessionDep, response: Response) -> TransferDocument:
    response.headers["Cache-Control"] = "no-store"
    return await transfer.export_data(session, user.id)


@router.post("/import", openapi_extra={"requestBody": {"content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/TransferDocument"}}}, "required": True}})
async def import_(user: CurrentUser, session: SessionDep, body: ImportBody) -> ImportResult:
    return await transfer.import_data(session, user.id, body)
