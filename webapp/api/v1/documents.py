"""Documents over HTTP (/api/v1): files, chats, their messages and attachments, and the answer's event stream.
Thin endpoints over core.documents; every route needs the user's credentials and sees only their own data."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Header, Path, Query, UploadFile, status
from fastapi.responses import Response, StreamingResponse

from core.documents import prompts, repository, service
from core.documents.schemas import (
    AttachmentCreate,
    AttachmentOut,
    ChatCreate,
    ChatHistoryOut,
    ChatOut,
    DocumentResultsOut,
    FileOut,
    MessageCreate,
    MessageOut,
    ProjectsTreeOut,
    RoleOut,
    SentOut,
    SettingsOut,
    SettingsPatch,
)
from core.documents.storage import storage_for
from core.documents.stream import FINAL_EVENTS
from core.runtime import Runtime
from webapp.deps import CurrentUser, RuntimeDep, SessionDep, SettingsDep
from webapp.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["documents"])
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
FILE_NOT_FOUND = {404: "ERR_DOC_NOT_FOUND: no such file among the user's own"}
CHAT_NOT_FOUND = {404: "ERR_CHAT_NOT_FOUND: no such chat among the user's own"}
POLL_SECONDS = 0.1  # how often the stream looks for new events
KEEPALIVE_SECONDS = 15.0  # a comment line this often keeps proxies from closing a quiet stream


@router.post("/files/upload", status_code=status.HTTP_201_CREATED, responses=errors({
    400: "ERR_DOC_UNSUPPORTED (not PDF, Markdown, HTML or JSON), ERR_DOC_EMPTY, ERR_DOC_ENCRYPTED, ERR_DOC_BROKEN, "
         "ERR_DOC_TOO_MANY_PAGES",
    413: "ERR_DOC_TOO_LARGE (above DOCUMENTS_MAX_BYTES) or ERR_BODY_TOO_LARGE",
}))
async def upload(file: Annotated[UploadFile, File(description="a PDF, Markdown, HTML or JSON file")],
                 user: CurrentUser, session: SessionDep, settings: SettingsDep) -> FileOut:
    """Checked at once (type, size, pages, password, damage), then read by a job: `status` is `processing` until
    its pages are read (`pages_done` of `pages`), then `ready`."""
    data = await file.read(settings.documents_max_bytes + 1)
    stored = await service.upload(session, settings, storage_for(settings), user.id, file.filename,
                                  file.content_type, data)
    return FileOut.of(stored)


@router.get("/files/{file_id}", responses=errors(FILE_NOT_FOUND))
async def get_file(file_id: RowId, user: CurrentUser, session: SessionDep) -> FileOut:
    return FileOut.of(await service.get_file(session, user.id, file_id))


@router.get("/files/{file_id}/content", response_class=Response, responses={
    200: {"description": "the file as uploaded", "content": {"application/octet-stream": {
        "schema": {"type": "string", "format": "binary"}}}}, **errors(FILE_NOT_FOUND)})
async def file_content(file_id: RowId, user: CurrentUser, session: SessionDep, settings: SettingsDep) -> Response:
    file = await service.get_file(session, user.id, file_id)
    data = await storage_for(settings).get(file.storage_key)
    return Response(data, media_type=file.mime_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(file.name)}", "Cache-Control": "no-store"})


def _quote(name: str) -> str:
    return quote(name, safe="")


@router.post("/chats", status_code=status.HTTP_201_CREATED)
async def create_chat(body: ChatCreate, user: CurrentUser, session: SessionDep) -> ChatOut:
    return ChatOut.of(await service.create_chat(session, user.id, body.title))


@router.get("/chats", description="The user's chats, the latest used first.")
async def list_chats(user: CurrentUser, session: SessionDep) -> list[ChatOut]:
    return [ChatOut.of(chat) for chat in await repository.chats_of(session, user.id, limit=100)]


@router.get("/chats/{chat_id}", responses=errors(CHAT_NOT_FOUND))
async def chat_history(chat_id: RowId, user: CurrentUser, session: SessionDep,
                       tail: Annotated[int | None, Query(ge=1, le=1000, description="only the last N messages")] = None,
                       ) -> ChatHistoryOut:
    chat, messages, files = await service.history(session, user.id, chat_id, tail)
    return ChatHistoryOut(**ChatOut.of(chat).model_dump(), files=[FileOut.of(f) for f in files],
                          messages=[MessageOut.of(m) for m in messages])


@router.post("/chats/{chat_id}/attachments", status_code=status.HTTP_201_CREATED, responses=errors({
    404: "ERR_CHAT_NOT_FOUND, ERR_DOC_NOT_FOUND: no such chat or file among the user's own",
    409: "ERR_DOC_NOT_READY: reading the file failed"}))
async def attach(chat_id: RowId, body: AttachmentCreate, user: CurrentUser, session: SessionDep) -> AttachmentOut:
    attachment = await service.attach(session, user.id, chat_id, body.file_id)
    return AttachmentOut(chat_id=attachment.chat_id,
                         file=FileOut.of(await service.get_file(session, user.id, attachment.file_id)))


@router.post("/chats/{chat_id}/messages", status_code=status.HTTP_201_CREATED, responses=errors({
    400: "ERR_QUESTION_EMPTY", **CHAT_NOT_FOUND,
    409: "ERR_CHAT_NO_FILES (attach a ready file first), ERR_DOC_STILL_READING, ERR_CHAT_BUSY (an answer is being "
         "written)"}))
async def send_message(chat_id: RowId, body: MessageCreate, user: CurrentUser, session: SessionDep,
                       settings: SettingsDep) -> SentOut:
    """Store the question and start the pipeline (the user's `model_profile`); GET /chats/{id}/stream streams it."""
    asked = await service.ask(session, settings, user.id, chat_id, body.content)
    return SentOut(message=MessageOut.of(asked.question), answer=MessageOut.of(asked.answer),
                   stream_url=f"/api/v1/chats/{chat_id}/stream")


@router.get("/chats/{chat_id}/stream", response_class=StreamingResponse, responses={
    200: {"description": "Server-sent events of the chat's latest answer, each `id: <n>`, `event: <name>`, `data: "
                         "<JSON>`: phase_started {phase, model}, phase_progress {phase, …}, llm_token {text}, "
                         "llm_final {content, citations, model}, error {code, message}. The stream ends after "
                         "llm_final or error. Reconnect with `Last-Event-ID` (or `?after=`) to resume after an event.",
          "content": {"text/event-stream": {"schema": {"type": "string"}}}},
    **errors(CHAT_NOT_FOUND)})
async def stream(chat_id: RowId, user: CurrentUser, session: SessionDep, runtime: RuntimeDep,
                 last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
                 after: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None) -> StreamingResponse:
    chat = await service.get_chat(session, user.id, chat_id)
    start = after if after is not None else _event_id(last_event_id)
    if start is None:  # from the beginning of the latest answer (its events may be being written right now)
        latest = await repository.latest_answer(session, chat.id)
        start = await repository.last_event_id(session, chat.id, before=latest.id if latest is not None else None)
    return StreamingResponse(_events(runtime, chat.id, start), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _event_id(header: str | None) -> int | None:
    value = (header or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


async def _events(runtime: Runtime, chat_id: int, after: int) -> AsyncIterator[str]:
    """Events after ``after`` until the answer ends; each poll is a read-only unit of work (no lock held)."""
    loop = asyncio.get_running_loop()
    quiet_since = loop.time()
    while True:
        async with runtime.read_only() as session:
            # first whether an answer is being written, then the events: an answer's last events commit with its end,
            # so once it has ended they are all seen (PostgreSQL reads each statement at a snapshot of its own; read
            # the other way round, the end could be seen without the events that came with it)
            writing = await repository.streaming_answer(session, chat_id) is not None
            events = await repository.events_after(session, chat_id, after)
        for event in events:
            after = event.id
            yield f"id: {event.id}\nevent: {event.event}\ndata: {json.dumps(event.data, ensure_ascii=False)}\n\n"
            if event.event in FINAL_EVENTS:
                return
        if events:
            quiet_since = loop.time()
            continue
        if not writing:
            return  # no answer is being written: nothing more will come
        if loop.time() - quiet_since > KEEPALIVE_SECONDS:
            quiet_since = loop.time()
            yield ": keep-alive\n\n"
        await asyncio.sleep(POLL_SECONDS)


@router.get("/projects/tree", description="The user's chats as projects, each with the documents attached to it, "
            "and the documents attached to none.")
async def projects_tree(user: CurrentUser, session: SessionDep) -> ProjectsTreeOut:
    return await service.projects_tree(session, user.id)


@router.get("/projects/documents/{doc_id}/results", responses=errors(FILE_NOT_FOUND),
            description="The finished answers that cite the document (its results), the latest first, with their "
                        "chat and question.")
async def document_results(doc_id: RowId, user: CurrentUser, session: SessionDep) -> DocumentResultsOut:
    return await service.document_results(session, user.id, doc_id)


@router.patch("/me/settings", tags=["me"], responses=errors({
    404: "ERR_ROLE_NOT_FOUND: no active role with this id"}))
async def patch_settings(body: SettingsPatch, user: CurrentUser, session: SessionDep) -> SettingsOut:
    """Only `model_profile` and `selected_role_prompt_id` (null: no role); a field left out is not changed."""
    no_role = "selected_role_prompt_id" in body.model_fields_set and body.selected_role_prompt_id is None
    await service.update_settings(session, user.id, model_profile=body.model_profile,
                                  role=body.selected_role_prompt_id, clear_role=no_role)
    return await service.effective_settings(session, user.id)


@router.get("/prompts/roles", tags=["me"], description="The roles a user can pick (their active versions).")
async def list_roles(user: CurrentUser, session: SessionDep) -> list[RoleOut]:
    return [RoleOut(id=r.id, name=r.name, description=r.description, version=r.version)
            for r in await prompts.roles(session)]
