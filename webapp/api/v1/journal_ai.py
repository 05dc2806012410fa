"""Journal AI analysis and photos (/api/v1): `ai/analyze` (a text at once; a link or a photo as a job polled at
`ai/jobs/{id}`), the user's photos (`attachments`: upload, bytes, thumbnail, delete) and putting one on an entry.
Thin endpoints over core.journal.analysis and core.journal.attachments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Request, Response, UploadFile, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.exceptions import HTTPException

from core.ai.factory import build_provider, choose
from core.ai.provider import UsageCollector
from core.ai.usage import record_all
from core.db.base import utcnow
from core.journal import analysis, attachments, service
from core.journal.analysis import AnalysisOut
from core.journal.errors import JournalError, PhotoTooLarge
from core.journal.schemas import Camel, EntryOut
from core.users.models import User
from webapp.deps import CurrentUser, SessionDep, SettingsDep
from webapp.errors import request_language
from webapp.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["journal"])

RowId = Annotated[int, Path(ge=-(2**63), le=2**63 - 1)]
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp", "image/tiff", "image/mpo")
PHOTO_ERRORS = {413: "ERR_JOURNAL_IMAGE_TOO_LARGE (above JOURNAL_PHOTO_MAX_BYTES) or ERR_BODY_TOO_LARGE",
                400: "ERR_JOURNAL_NOT_IMAGE: not a picture (JPEG, PNG, WebP, GIF, BMP, TIFF); ERR_HTTP_400: a "
                     "malformed multipart body"}
ATTACHMENT_NOT_FOUND = {404: "ERR_JOURNAL_ATTACHMENT_NOT_FOUND: no such photo among the user's own"}


class AnalyzeIn(BaseModel):
    """A text to read at once, or a link to fetch and read as a job. Exactly one of them."""

    text: str | None = Field(default=None, max_length=analysis.MAX_TEXT,
                             description="a message such as 'купил хлеб за 60 и молоко за 90' (one draft per entry)")
    url: str | None = Field(default=None, max_length=2_000, description="an http(s) page: a product, a place, an "
                                                                          "event, an article")


ANALYZE_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": AnalyzeIn.model_json_schema()},
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary", "description": "a photo: a receipt, a "
                                                                                      "product, a place"},
                       "text": {"type": "string", "maxLength": analysis.MAX_TEXT,
                                "description": "the photo's caption, if any"}}}},
}}}
ANALYZE_ERRORS = errors({
    400: "ERR_JOURNAL_ANALYZE_INPUT (not exactly one of text, url, file), ERR_JOURNAL_URL_BAD, ERR_JOURNAL_URL_REFUSED "
         "(not http/https), ERR_JOURNAL_NOT_IMAGE, ERR_HTTP_400 (a malformed multipart body)",
    413: "ERR_JOURNAL_IMAGE_TOO_LARGE (above JOURNAL_PHOTO_MAX_BYTES) or ERR_BODY_TOO_LARGE",
    415: "ERR_HTTP_415: neither application/json nor multipart/form-data",
    422: "ERR_VALIDATION: the JSON body does not fit (`details` says where)",
    503: "ERR_AI_*: the provider is down or refused (a text; a link or photo reports it in its job)",
})


@dataclass(frozen=True)
class Photo:
    data: bytes
    name: str
    caption: str


async def _analyze_input(request: Request, max_bytes: int) -> AnalyzeIn | Photo:
    """The body as JSON (text or url) or as multipart (a photo and its caption)."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        async with request.form(max_files=1, max_fields=2, max_part_size=64 * 1024) as form:
            file, caption = form.get("file"), form.get("text", "")
            if not isinstance(file, StarletteUpload) or not isinstance(caption, str):
                raise JournalError("ERR_JOURNAL_ANALYZE_INPUT", "a multipart body takes `file` (and `text`)")
            data = await file.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise PhotoTooLarge(max_bytes)
            return Photo(data, file.filename or "", caption[:analysis.MAX_TEXT])
    if media_type != "application/json":
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "send application/json or multipart/form-data")
    try:
        body = AnalyzeIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None
    if sum(1 for v in (body.text, body.url) if v is not None and v.strip()) != 1:
        raise JournalError("ERR_JOURNAL_ANALYZE_INPUT", "send exactly one of text and url")
    return body


@router.post("/ai/analyze", status_code=status.HTTP_200_OK, openapi_extra=ANALYZE_BODY, responses={
    202: {"model": AnalysisOut, "description": "a link or a photo: the job to poll at GET /api/v1/ai/jobs/{id} "
                                               "(also in Location)"}, **ANALYZE_ERRORS})
async def analyze(request: Request, response: Response, user: CurrentUser, session: SessionDep,
                  settings: SettingsDep) -> AnalysisOut:
    """A text → its drafts at once (200). A link, or a photo (multipart `file`) → a job (202) whose drafts
    `GET /ai/jobs/{id}` gives once done."""
    given = await _analyze_input(request, settings.journal_photo_max_bytes)
    if isinstance(given, AnalyzeIn) and given.text is not None and given.text.strip():
        return await _analyze_text(session, settings, user, given.text)
    day = service.today(user, utcnow())
    if isinstance(given, Photo):
        photo = await attachments.save_photo(session, attachments.storage_for(settings), user.id, given.data,
                                             name=given.name, max_bytes=settings.journal_photo_max_bytes)
        job = await analysis.start(session, user, kind="image", day=day, caption=given.caption, attachment=photo)
    else:
        job = await analysis.start(session, user, kind="url", day=day, url=given.url)
    response.status_code = status.HTTP_202_ACCEPTED
    response.headers["Location"] = f"/api/v1/ai/jobs/{job.id}"
    return analysis.analysis_out(job, request_language(request))


async def _analyze_text(session: SessionDep, settings: SettingsDep, user: User, text: str) -> AnalysisOut:
    choice = await choose(session, settings, user.id)
    currency = await service.user_currency(session, user)
    language, timezone = user.language, user.timezone
    await session.commit()  # no transaction stays open while the provider thinks (SQLite has one writer)
    usage = UsageCollector()
    provider = build_provider(choice, settings, recorder=usage)
    try:
        drafts = await analysis.drafts_from_text(provider, text, language=language, now=utcnow(), timezone=timezone,
                                                 currency=currency)
    finally:
        await provider.aclose()
    await record_all(session, user.id, usage.events)
    return AnalysisOut(id=None, kind="text", status="done", drafts=drafts)


@router.get("/ai/jobs/{job_id}", responses=errors(
    {404: "ERR_JOURNAL_ANALYSIS_NOT_FOUND: no such analysis among the user's own"}))
async def analysis_job(job_id: RowId, request: Request, user: CurrentUser, session: SessionDep) -> AnalysisOut:
    """A link's or a photo's analysis: `pending`, `done` with its drafts, or `failed` with the error to show."""
    return analysis.analysis_out(await analysis.owned(session, user, job_id), request_language(request))


class AttachmentOut(Camel):
    id: int
    name: str
    mime_type: str
    size: int
    has_thumb: bool = Field(description="GET /attachments/{id}/thumb gives a JPEG thumbnail")


PhotoFile = Annotated[UploadFile, File(description="a photo (JPEG, PNG, WebP, GIF, BMP, TIFF)")]


@router.post("/attachments", status_code=status.HTTP_201_CREATED, responses=errors(PHOTO_ERRORS))
async def upload_attachment(file: PhotoFile, user: CurrentUser, session: SessionDep,
                            settings: SettingsDep) -> AttachmentOut:
    """Keep a photo (with a thumbnail) to put on an entry: PUT /entries/{id}/attachments/{attachmentId}."""
    data = await file.read(settings.journal_photo_max_bytes + 1)
    if len(data) > settings.journal_photo_max_bytes:
        raise PhotoTooLarge(settings.journal_photo_max_bytes)
    photo = await attachments.save_photo(session, attachments.storage_for(settings), user.id, data,
                                         name=file.filename or "", max_bytes=settings.journal_photo_max_bytes)
    return AttachmentOut.model_validate(attachments.attachment_json(photo))


@router.put("/entries/{entry_id}/attachments/{attachment_id}", responses=errors({
    404: "ERR_JOURNAL_ENTRY_NOT_FOUND or ERR_JOURNAL_ATTACHMENT_NOT_FOUND (not the user's own, or deleted)",
    400: "ERR_JOURNAL_TOO_MANY_ATTACHMENTS"}))
async def attach(entry_id: RowId, attachment_id: RowId, user: CurrentUser, session: SessionDep) -> EntryOut:
    """Put one of the user's photos (an analysed one, or one uploaded) on one of their entries."""
    photo = await attachments.owned(session, user.id, attachment_id)
    return service.entry_out(await attachments.attach(session, user, entry_id, photo))


_IMAGE_CONTENT = {t: {"schema": {"type": "string", "format": "binary"}} for t in IMAGE_TYPES}


@router.get("/attachments/{attachment_id}", response_class=Response, responses={
    200: {"description": "the photo as uploaded", "content": _IMAGE_CONTENT}, **errors(ATTACHMENT_NOT_FOUND)})
async def attachment_content(attachment_id: RowId, user: CurrentUser, session: SessionDep,
                             settings: SettingsDep) -> Response:
    data, mime_type = await attachments.read(session, attachments.storage_for(settings), user, attachment_id)
    return Response(data, media_type=mime_type, headers={"Cache-Control": "private, max-age=3600"})


@router.get("/attachments/{attachment_id}/thumb", response_class=Response, responses={
    200: {"description": "a JPEG at most 320×320", "content": {"image/jpeg": {
        "schema": {"type": "string", "format": "binary"}}}}, **errors(ATTACHMENT_NOT_FOUND)})
async def attachment_thumb(attachment_id: RowId, user: CurrentUser, session: SessionDep,
                           settings: SettingsDep) -> Response:
    data, mime_type = await attachments.read(session, attachments.storage_for(settings), user, attachment_id,
                                             thumb=True)
    return Response(data, media_type=mime_type, headers={"Cache-Control": "private, max-age=3600"})


@router.delete("/attachments/{attachment_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses=errors(ATTACHMENT_NOT_FOUND))
async def delete_attachment(attachment_id: RowId, user: CurrentUser, session: SessionDep,
                            settings: SettingsDep) -> Response:
    """Forget the photo (and take it off its entry)."""
    await attachments.delete(session, attachments.storage_for(settings), user, attachment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
