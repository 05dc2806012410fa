"""Journal REST API (/api/v1): entries (CRUD, list with filters, search, stats, replay, versions), the dashboard, the
export and the all-or-nothing import, the user's journal settings. Thin endpoints over core.journal."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import IO, Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Response, status
from fastapi.responses import StreamingResponse

from core.auth import tokens
from core.db.base import utcnow
from core.journal import archive, attachments, service, stats
from core.journal.schemas import (
    DashboardStats,
    EntryIn,
    EntryOut,
    EntryPage,
    EntryStats,
    EntryUpdate,
    ExportLinkOut,
    ImportIn,
    ImportOut,
    JournalSettingsIn,
    JournalSettingsOut,
    ReplayIn,
    SearchOut,
    Sort,
    VersionOut,
)
from webapp.deps import CurrentUser, SessionDep, SettingsDep
from webapp.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["journal"])

EntryId = Annotated[int, Path(ge=-(2**63), le=2**63 - 1)]  # a BIGINT: larger numbers are a validation error
NOT_FOUND = {404: "ERR_JOURNAL_ENTRY_NOT_FOUND: no such entry among the user's own"}
BAD_ENTRY = ("ERR_JOURNAL_BAD_SEMANTIC, ERR_JOURNAL_BAD_AMOUNT, ERR_JOURNAL_BAD_CURRENCY, ERR_JOURNAL_BAD_DATE, "
             "ERR_JOURNAL_BAD_TIME, ERR_JOURNAL_BAD_CATEGORY, ERR_JOURNAL_BAD_GEO, ERR_JOURNAL_BAD_URL, "
             "ERR_JOURNAL_BAD_NUMBER, ERR_JOURNAL_BAD_FIELD, ERR_JOURNAL_UNKNOWN_FIELD, ERR_JOURNAL_FIELD_TOO_LONG, "
             "ERR_JOURNAL_TOO_MANY")
BAD_FILTER = ("ERR_JOURNAL_BAD_DATE (dateFrom, dateTo), ERR_JOURNAL_BAD_RANGE, ERR_JOURNAL_FIELD_TOO_LONG, "
              "ERR_JOURNAL_TOO_MANY (people, tags)")
PerPage = Annotated[int, Query(alias="perPage", ge=1, le=service.MAX_PER_PAGE)]
Page = Annotated[int, Query(ge=1, le=100_000)]
Names = Annotated[str | None, Query(description="each of these, separated by commas")]
EXPORT_LINK_TTL = 300


def _names(value: str | None) -> list[str]:
    return [name for name in (value or "").split(",") if name.strip()]


def _filter(action: str | None, obj: str | None, category: str | None, entry_status: str | None,
            people: str | None, tags: str | None, date_from: str | None, date_to: str | None,
            has_attachments: bool | None, include_deleted: bool, q: str | None) -> service.EntryFilter:
    return service.make_filter(action=action, obj=obj, category=category, status=entry_status,
                               people=_names(people), tags=_names(tags), date_from=date_from, date_to=date_to,
                               has_attachments=has_attachments, include_deleted=include_deleted, q=q)


@router.get("/entries", responses=errors({400: BAD_FILTER}))
async def list_entries(
    user: CurrentUser, session: SessionDep, page: Page = 1, per_page: PerPage = 20, sort: Sort = "-date",
    action: str | None = None, obj: Annotated[str | None, Query(alias="object")] = None,
    category: str | None = None, entry_status: Annotated[Literal["done", "planned", "wish"] | None,
                                                   Query(alias="status")] = None,
    people: Names = None, tags: Names = None,
    date_from: Annotated[str | None, Query(alias="dateFrom", description="YYYY-MM-DD, included")] = None,
    date_to: Annotated[str | None, Query(alias="dateTo", description="YYYY-MM-DD, included")] = None,
    has_attachments: Annotated[bool | None, Query(alias="hasAttachments")] = None,
    include_deleted: Annotated[bool, Query(alias="includeDeleted")] = False,
    q: Annotated[str | None, Query(description="words the entry contains, each")] = None,
) -> EntryPage:
    """The user's entries, newest day first by default: `{"items", "page", "perPage", "total"}`."""
    f = _filter(action, obj, category, entry_status, people, tags, date_from, date_to, has_attachments,
                include_deleted, q)
    return await service.list_entries(session, user, f, sort=sort, page=page, per_page=per_page)


@router.get("/entries/search")
async def search_entries(user: CurrentUser, session: SessionDep,
                         q: Annotated[str, Query(description="words the entry contains, each")] = "",
                         limit: Annotated[int, Query(ge=1, le=100)] = 20) -> SearchOut:
    """Light search: id, number, title and date only."""
    return await service.search(session, user, q, limit)


@router.get("/entries/stats", responses=errors({400: BAD_FILTER}))
async def entry_stats(
    user: CurrentUser, session: SessionDep,
    action: str | None = None, obj: Annotated[str | None, Query(alias="object")] = None,
    category: str | None = None, people: Names = None, tags: Names = None,
    date_from: Annotated[str | None, Query(alias="dateFrom")] = None,
    date_to: Annotated[str | None, Query(alias="dateTo")] = None,
    q: str | None = None,
) -> EntryStats:
    """Count and sums (per currency, per category) of the entries the same filters as the list select."""
    f = _filter(action, obj, category, None, people, tags, date_from, date_to, None, False, q)
    return await stats.entry_stats(session, user, f)


ExportFormat = Annotated[Literal["json", "csv", "zip"], Query(
    alias="format", description="zip: entries.json, entries.csv and photos/<entry id>/<attachment id>.<ext>")]
EXPORT_CONTENT = {"application/json": {"schema": {"type": "object"}},
                  "text/csv": {"schema": {"type": "string"}},
                  "application/zip": {"schema": {"type": "string", "format": "binary"}}}
_CHUNK = 64 * 1024


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(_CHUNK):
            yield chunk
    finally:
        spool.close()


@router.get("/entries/export", response_class=Response, responses={200: {
    "description": "every live entry: JSON (what /entries/import takes), CSV, or a ZIP of both with the photos",
    "content": EXPORT_CONTENT}})
async def export_entries(user: CurrentUser, session: SessionDep, settings: SettingsDep,
                         fmt: ExportFormat = "json") -> Response:
    now = utcnow()
    name = f"journal-{now:%Y%m%d}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    if fmt == "zip":
        spool = await archive.export_zip(session, attachments.storage_for(settings), user, now)
        size = spool.seek(0, os.SEEK_END)
        spool.seek(0)
        return StreamingResponse(_chunks(spool), media_type="application/zip",
                                 headers={**headers, "Content-Length": str(size)})
    if fmt == "csv":
        body, media = await service.export_csv(session, user), "text/csv; charset=utf-8"
    else:
        body, media = await service.export_json(session, user, now), "application/json"
    return Response(body, media_type=media, headers=headers)


@router.post("/entries/export/link")
async def export_link(user: CurrentUser, settings: SettingsDep, fmt: ExportFormat = "json") -> ExportLinkOut:
    """A link to the same export that works without the Authorization header for five minutes: what a Mini App hands
    to Telegram's `downloadFile`, which fetches it itself."""
    token = tokens.make_link_token(user.id, tokens.JOURNAL_EXPORT, settings.jwt_signing_key, EXPORT_LINK_TTL)
    query = urlencode({"format": fmt, "token": token})
    path = f"/downloads/journal-export?{query}"
    return ExportLinkOut(url=f"{settings.base_url}{path}", path=path, file_name=f"journal-{utcnow():%Y%m%d}.{fmt}")


@router.post("/entries/import", responses=errors({
    400: "ERR_JOURNAL_IMPORT_INVALID (the first entry that does not fit; nothing is saved), "
         "ERR_JOURNAL_IMPORT_TOO_LARGE"}))
async def import_entries(body: ImportIn, user: CurrentUser, session: SessionDep) -> ImportOut:
    """All or nothing: the entries of an export (`{"version": 1, "entries": [...]}`) are added as new entries."""
    return ImportOut(imported=await service.import_entries(session, user, body.entries, now=utcnow()))


@router.post("/entries", status_code=status.HTTP_201_CREATED, responses=errors({400: BAD_ENTRY}))
async def create_entry(body: EntryIn, user: CurrentUser, session: SessionDep) -> EntryOut:
    return service.entry_out(await service.create(session, user, body, now=utcnow()))


@router.get("/entries/{entry_id}", responses=errors(NOT_FOUND))
async def get_entry(entry_id: EntryId, user: CurrentUser, session: SessionDep) -> EntryOut:
    """A deleted entry too (with `deletedAt`), so that it can be restored."""
    return service.entry_out(await service.owned(session, user, entry_id))


@router.put("/entries/{entry_id}", responses=errors({
    400: BAD_ENTRY, **NOT_FOUND, 409: "ERR_JOURNAL_VERSION_CONFLICT: `version` is not the entry's version"}))
async def update_entry(entry_id: EntryId, body: EntryUpdate, user: CurrentUser, session: SessionDep) -> EntryOut:
    """The whole entry as the form has it; the previous version is kept (GET /entries/{id}/versions)."""
    return service.entry_out(await service.update(session, user, entry_id, body, now=utcnow()))


@router.delete("/entries/{entry_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(NOT_FOUND))
async def delete_entry(entry_id: EntryId, user: CurrentUser, session: SessionDep) -> None:
    """Soft: the entry leaves lists, stats and dictionaries, and POST /entries/{id}/restore brings it back."""
    await service.delete(session, user, entry_id, now=utcnow())


@router.post("/entries/{entry_id}/restore", responses=errors(NOT_FOUND))
async def restore_entry(entry_id: EntryId, user: CurrentUser, session: SessionDep) -> EntryOut:
    return service.entry_out(await service.restore(session, user, entry_id, now=utcnow()))


@router.get("/entries/{entry_id}/versions", responses=errors(NOT_FOUND))
async def entry_versions(entry_id: EntryId, user: CurrentUser, session: SessionDep) -> list[VersionOut]:
    """What the entry was before each change, newest first."""
    return await service.history(session, user, entry_id)


@router.post("/entries/{entry_id}/replay", status_code=status.HTTP_201_CREATED,
             responses=errors({400: BAD_ENTRY, **NOT_FOUND}))
async def replay_entry(entry_id: EntryId, user: CurrentUser, session: SessionDep,
                       body: ReplayIn | None = None) -> EntryOut:
    """The entry again, dated today (the user's day), with the fields the body gives changed."""
    return service.entry_out(await service.replay(session, user, entry_id, body, now=utcnow()))


@router.get("/dashboard/stats", responses=errors({400: "ERR_JOURNAL_BAD_DATE, ERR_JOURNAL_BAD_RANGE"}))
async def dashboard(user: CurrentUser, session: SessionDep,
                    date_from: Annotated[str | None, Query(alias="dateFrom", description="default: a year back")]
                    = None,
                    date_to: Annotated[str | None, Query(alias="dateTo", description="default: today")] = None,
                    ) -> DashboardStats:
    """Money spent and earned, spending by category and by month, entries per day, top people, places and tags."""
    f = service.make_filter(date_from=date_from, date_to=date_to)
    return await stats.dashboard(session, user, date_from=f.date_from, date_to=f.date_to, now=utcnow())


@router.get("/journal/settings")
async def get_settings(user: CurrentUser, session: SessionDep) -> JournalSettingsOut:
    return JournalSettingsOut(routing=(await service.routing(session, user)).value,
                              currency=await service.user_currency(session, user))


@router.put("/journal/settings", responses=errors({400: "ERR_JOURNAL_BAD_CURRENCY"}))
async def put_settings(body: JournalSettingsIn, user: CurrentUser, session: SessionDep) -> JournalSettingsOut:
    """`routing`: where a chat message that is not a plan goes (auto, journal, notes); `currency`: the default."""
    await service.update_settings(session, user, routing_name=body.routing, currency=body.currency)
    return await get_settings(user, session)
