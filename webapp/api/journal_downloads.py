"""GET /downloads/journal-export: the journal's export behind a short-lived link (POST /api/v1/entries/export/link).

Telegram's `downloadFile` fetches a Mini App's file itself, without the app's Authorization header, so the link's
token is the credential: signed, for this purpose only, minutes long. Outside /api/v1, whose routes all take a
header."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from core.auth import tokens
from core.users import repository as users_repo
from webapp.api.v1.journal import EXPORT_CONTENT, ExportFormat, export_entries
from webapp.deps import SessionDep, SettingsDep
from webapp.openapi import errors

router = APIRouter(prefix="/downloads", tags=["journal"])


@router.get("/journal-export", response_class=Response, responses={
    200: {"description": "the export, as GET /api/v1/entries/export gives it", "content": EXPORT_CONTENT},
    **errors({401: "ERR_UNAUTHORIZED: not a link of POST /api/v1/entries/export/link, or expired"})})
async def journal_export(session: SessionDep, settings: SettingsDep, token: Annotated[str, Query(max_length=2000)],
                         fmt: ExportFormat = "json") -> Response:
    user = await users_repo.get(session, tokens.decode_link_token(token, tokens.JOURNAL_EXPORT,
                                                                  settings.jwt_signing_key))
    if user is None:
        raise tokens.AuthError("user no longer exists")
    return await export_entries(user, session, settings, fmt)
