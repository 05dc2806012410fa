"""The documents app's rules: files (upload, read, progress), chats, their messages and attachments, a user's
settings. Services flush, never commit; the HTTP request, the bot update or the job commits."""

from __future__ import annotations

import array
import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from core.ai.factory import ProviderChoice, choose
from core.ai.local_provider import MODEL as LOCAL_MODEL
from core.ai.local_provider import hashed_vector
from core.config import Settings
from core.db.base import utcnow
from core.db.values import storable_text
from core.documents import reading, retrieval, system
from core.documents import repository as repo
from core.documents.errors import (
    ERR_CHAT_BUSY,
    ERR_CHAT_NO_FILES,
    ERR_CHAT_NOT_FOUND,
    ERR_DOC_NO_KEY,
    ERR_DOC_NOT_READY,
    ERR_DOC_STILL_READING,
    ERR_DOC_TOO_LARGE,
    ERR_PROFILE,
    ERR_QUESTION_EMPTY,
    ERR_ROLE_NOT_FOUND,
    DocumentsError,
    not_found,
)
from core.documents.models import Chat, ChatAttachment, ChatMessage, DocFile, RolePrompt, UserDocSettings
from core.documents.retrieval import Candidate, FileIndex, IndexCache
from core.documents.schemas import (
    DocumentResultOut,
    DocumentResultsOut,
    FileOut,
    MessageOut,
    ProjectOut,
    ProjectsTreeOut,
    RoleOut,
    SettingsOut,
)
from core.documents.storage import Storage
from core.queue.jobs import enqueue_job

INGEST_JOB = "documents.ingest"
ANSWER_JOB = "documents.answer"
ZOOM_JOB = "documents.zoom"
PAGES_PER_STEP = 10  # pages read between two progress reports
MAX_TITLE = 255
MAX_QUESTION = 4000
Profile = Literal["simple", "complex"]
PROFILES: tuple[Profile, ...] = ("simple", "complex")
Progress = Callable[[int, int], Awaitable[None]]


# --- files --------------------------------------------------------------------------------------------------------


def clean_name(name: str | None, kind: str | None = None) -> str:
    """The file's own name, without folders, storable, at most 255 characters."""
    base = PurePath((name or "").replace("\\", "/")).name.strip() or "document"
    base = storable_text(" ".join(base.split()))
    if len(base) > MAX_TITLE:
        suffix = PurePath(base).suffix[:16]
        base = base[: MAX_TITLE - len(suffix) - 1] + "…" + suffix
    return base


@dataclass(frozen=True)
class Accepted:
    """A file that can be read: its kind, page count, checksum and where its bytes are kept."""

    name: str
    kind: str
    mime_type: str
    pages: int
    sha256: str
    storage_key: str
    size: int


async def accept(settings: Settings, storage: Storage, user_id: int, name: str | None, mime_type: str | None,
                 data: bytes, *, max_pages: int) -> Accepted:
    """Check the file (type, size, pages, password, damage; raising the reason's code) and keep its bytes."""
    kind = reading.kind_of(name or "", mime_type, data)
    pages = await asyncio.to_thread(reading.check, kind, data, max_bytes=settings.documents_max_bytes,
                                    max_pages=max_pages)
    digest = hashlib.sha256(data).hexdigest()
    key = f"{user_id}/{digest}.{kind}"
    await storage.put(key, data)
    return Accepted(clean_name(name, kind), kind, reading.MIME_OF[kind], pages, digest, key, len(data))


def new_file(user_id: int, accepted: Accepted, *, status: str = "processing") -> DocFile:
    return DocFile(user_id=user_id, name=accepted.name, kind=accepted.kind, mime_type=accepted.mime_type,
                   size_bytes=accepted.size, sha256=accepted.sha256, storage_key=accepted.storage_key,
                   status=status, pages=accepted.pages, pages_done=0)


async def upload(session: AsyncSession, settings: Settings, storage: Storage, user_id: int, name: str | None,
                 mime_type: str | None, data: bytes) -> DocFile:
    """POST /files/upload: a checked file is kept and read by the ingest job (GET /files/{id} shows its progress)."""
    limits = await system.effective(session, settings)
    accepted = await accept(settings, storage, user_id, name, mime_type, data, max_pages=limits.max_pages)
    file = new_file(user_id, accepted)
    session.add(file)
    await session.flush()
    await enqueue_job(session, INGEST_JOB, {"file_id": file.id}, key=f"{INGEST_JOB}:{file.id}", user_id=user_id,
                      max_attempts=settings.job_max_attempts)
    return file


async def get_file(session: AsyncSession, user_id: int, file_id: int) -> DocFile:
    file = await repo.file_of(session, user_id, file_id)
    if file is None:
        raise not_found()
    return file


def embedding_bytes(text: str) -> bytes:
    return vector_bytes(hashed_vector(text))


def vector_bytes(vector: Sequence[float]) -> bytes:
    """A vector as stored: float32, the machine's order (little-endian on every platform we run on)."""
    return array.array("f", vector).tobytes()


def embedding_name(provider: str, model: str) -> str:
    """Which embeddings these are: a question is compared with a file's blocks only by the same model."""
    return f"{provider}:{model}"[:128]


def _rows(pages: list[reading.Page]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    page_rows = [{"number": p.number, "width": p.width, "height": p.height,
                  "text": storable_text(p.text), "has_text": p.has_text} for p in pages]
    block_rows = [{"page": p.number, "number": b.number, "kind": b.kind,
                   "text": storable_text(b.text), "x0": b.box[0], "y0": b.box[1], "x1": b.box[2], "y1": b.box[3],
                   "embedding": embedding_bytes(b.text)} for p in pages for b in p.blocks]
    return page_rows, block_rows


@dataclass
class ReadResult:
    pages: list[dict[str, Any]]
    blocks: list[dict[str, Any]]
    scanned: int  # pages without a text layer
    ocr: int = 0  # of those, pages OCR read text on
    embedding_model: str | None = None  # the provider's model that embedded the blocks ("semantic" in each row)


async def read_file(kind: str, data: bytes, total: int, on_progress: Progress | None = None, *, ocr: bool = True
                    ) -> ReadResult:
    """Every page's text and blocks (with embeddings), a few pages at a time in a thread, reporting progress; the
    first OCR_MAX_PAGES scanned pages through OCR when ``ocr`` (the operator's setting) and Tesseract is installed."""
    result = ReadResult([], [], 0)
    for start in range(0, total, PAGES_PER_STEP):
        budget = reading.OCR_MAX_PAGES - (result.scanned if ocr else reading.OCR_MAX_PAGES)
        pages = await asyncio.to_thread(reading.read_pages, kind, data, start, start + PAGES_PER_STEP,
                                        ocr_limit=max(0, budget))
        page_rows, block_rows = await asyncio.to_thread(_rows, pages)
        result.pages += page_rows
        result.blocks += block_rows
        result.scanned += sum(1 for p in pages if not p.text_layer)
        result.ocr += sum(1 for p in pages if p.ocr)
        if on_progress is not None:
            await on_progress(min(total, start + PAGES_PER_STEP), total)
    return result


async def store_pages(session: AsyncSession, file: DocFile, result: ReadResult) -> None:
    """The pages and blocks, and the file ready: in the caller's unit of work, all or nothing."""
    await repo.add_pages(session, [{**row, "file_id": file.id} for row in result.pages],
                         [{**row, "file_id": file.id} for row in result.blocks])
    file.pages = len(result.pages)
    file.pages_done = len(result.pages)
    file.scanned_pages = result.scanned
    file.ocr_pages = result.ocr
    file.embedding_model = result.embedding_model
    file.status = "ready"
    file.error_code = None
    await session.flush()


# --- chats --------------------------------------------------------------------------------------------------------


def clean_title(title: str | None) -> str:
    text = storable_text(" ".join((title or "").split()))[:MAX_TITLE]
    return text or "Chat"


async def create_chat(session: AsyncSession, user_id: int, title: str | None, *, tg_chat_id: int | None = None
                      ) -> Chat:
    chat = Chat(user_id=user_id, title=clean_title(title), tg_chat_id=tg_chat_id)
    session.add(chat)
    await session.flush()
    return chat


async def get_chat(session: AsyncSession, user_id: int, chat_id: int, *, lock: bool = False) -> Chat:
    chat = await repo.chat_of(session, user_id, chat_id, lock=lock)
    if chat is None:
        raise not_found(ERR_CHAT_NOT_FOUND, "chat")
    return chat


async def history(session: AsyncSession, user_id: int, chat_id: int, tail: int | None = None
                  ) -> tuple[Chat, list[ChatMessage], list[DocFile]]:
    chat = await get_chat(session, user_id, chat_id)
    return chat, await repo.messages_of(session, chat.id, tail), await repo.attached_files(session, chat.id)


async def attach(session: AsyncSession, user_id: int, chat_id: int, file_id: int) -> ChatAttachment:
    """Attach one of the user's files to one of their chats (again: the same attachment)."""
    chat = await get_chat(session, user_id, chat_id)
    file = await get_file(session, user_id, file_id)
    if file.status == "failed":
        raise DocumentsError(ERR_DOC_NOT_READY, "reading this file failed", status=409, name=file.name)
    existing = await repo.attachment(session, chat.id, file.id)
    if existing is not None:
        return existing
    attachment = ChatAttachment(chat_id=chat.id, file_id=file.id, kind="original")
    session.add(attachment)
    chat.updated_at = utcnow()
    await session.flush()
    return attachment


@dataclass(frozen=True)
class Asked:
    question: ChatMessage
    answer: ChatMessage


async def ask(session: AsyncSession, settings: Settings, user_id: int, chat_id: int, text: str, *,
              telegram: dict[str, Any] | None = None) -> Asked:
    """A question: stored with an empty answer that the answer job streams into (GET /chats/{id}/stream).
    ``telegram``: where the bot shows the answer (chat id, the placeholder's outbox id)."""
    question = storable_text(text.strip())[:MAX_QUESTION]
    if not question:
        raise DocumentsError(ERR_QUESTION_EMPTY, "the question is empty")
    chat = await get_chat(session, user_id, chat_id, lock=True)  # two questions at once: the second waits here
    if await repo.streaming_answer(session, chat.id) is not None:
        raise DocumentsError(ERR_CHAT_BUSY, "the previous answer is still being written", status=409)
    files = await repo.attached_files(session, chat.id)
    if not any(f.status == "ready" for f in files):
        if any(f.status == "processing" for f in files):
            raise DocumentsError(ERR_DOC_STILL_READING, "the documents are still being read", status=409)
        raise DocumentsError(ERR_CHAT_NO_FILES, "attach a document to this chat first", status=409)
    prefs = await user_settings(session, user_id)
    asked = ChatMessage(chat_id=chat.id, role="user", content=question, status="done")
    answer = ChatMessage(chat_id=chat.id, role="assistant", content="", status="streaming",
                         model_profile=prefs.model_profile)
    session.add_all([asked, answer])
    chat.updated_at = utcnow()
    await session.flush()
    payload: dict[str, Any] = {"chat_id": chat.id, "question_id": asked.id, "answer_id": answer.id}
    if telegram is not None:
        payload["telegram"] = telegram
    # one attempt: a retry would stream the same tokens twice; a failure ends the stream with an `error` event
    await enqueue_job(session, ANSWER_JOB, payload, key=f"{ANSWER_JOB}:{answer.id}", user_id=user_id,
                      chat_id=(telegram or {}).get("chat_id"), max_attempts=1)
    return Asked(asked, answer)


# --- a user's settings --------------------------------------------------------------------------------------------


async def user_settings(session: AsyncSession, user_id: int) -> UserDocSettings:
    prefs = await repo.user_settings(session, user_id)
    if prefs is None:
        prefs = UserDocSettings(user_id=user_id, model_profile="simple")
        session.add(prefs)
        await session.flush()
    return prefs


async def user_settings_or_default(session: AsyncSession, user_id: int) -> UserDocSettings:
    """The user's settings, or the defaults (not stored) for a read-only unit of work."""
    return await repo.user_settings(session, user_id) or UserDocSettings(user_id=user_id, model_profile="simple")


async def role_of(session: AsyncSession, prefs: UserDocSettings) -> RolePrompt | None:
    """The active version of the user's role (a role chosen by any version's id), or None."""
    if prefs.selected_role_prompt_id is None:
        return None
    chosen = await repo.prompt_by_id(session, RolePrompt, prefs.selected_role_prompt_id)
    if chosen is None:
        return None
    if chosen.is_active:
        return chosen
    versions = await repo.prompt_versions(session, RolePrompt, chosen.name)
    return next((v for v in versions if v.is_active), None)


async def find_role(session: AsyncSession, wanted: str | int) -> RolePrompt:
    """An active role by its id (any version's) or its name (case-insensitive)."""
    roles = await repo.active_prompts(session, RolePrompt)
    if isinstance(wanted, int) or str(wanted).isdigit():
        chosen = await repo.prompt_by_id(session, RolePrompt, int(wanted))
        match = next((r for r in roles if chosen is not None and r.name == chosen.name), None)
    else:
        name = str(wanted).strip().casefold()
        match = next((r for r in roles if r.name.casefold() == name), None)
    if match is None:
        raise DocumentsError(ERR_ROLE_NOT_FOUND, "no such role", status=404, role=str(wanted)[:64])
    return match


async def update_settings(session: AsyncSession, user_id: int, *, model_profile: str | None = None,
                          role: str | int | None = None, clear_role: bool = False) -> UserDocSettings:
    prefs = await user_settings(session, user_id)
    if model_profile is not None:
        if model_profile not in PROFILES:
            raise DocumentsError(ERR_PROFILE, "model_profile is simple or complex")
        prefs.model_profile = model_profile
    if clear_role:
        prefs.selected_role_prompt_id = None
    elif role is not None:
        prefs.selected_role_prompt_id = (await find_role(session, role)).id
    await session.flush()
    return prefs


async def activate_chat(session: AsyncSession, user_id: int, chat_id: int, ttl: int) -> None:
    """The bot's current documents chat: a question (a text ending in "?") goes there for ``ttl`` seconds."""
    prefs = await user_settings(session, user_id)
    prefs.active_chat_id = chat_id
    prefs.active_until = utcnow() + timedelta(seconds=ttl)
    await session.flush()


async def active_chat(session: AsyncSession, user_id: int, now: datetime | None = None) -> int | None:
    prefs = await repo.user_settings(session, user_id)
    if prefs is None or prefs.active_chat_id is None or prefs.active_until is None:
        return None
    return prefs.active_chat_id if prefs.active_until > (now or utcnow()) else None


# --- the bot ------------------------------------------------------------------------------------------------------

TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile serves at most this much (unless a local Bot API server)


async def receive_telegram(session: AsyncSession, settings: Settings, user_id: int, *, chat_id: int,
                           message_id: int, tg_file_id: str, name: str | None, mime_type: str | None,
                           size: int | None, progress_outbox_id: int | None) -> None:
    """A document sent in the bot: the ingest job downloads, checks and reads it (progress in the given message)."""
    limit = settings.documents_max_bytes
    if not settings.telegram_api_local:
        limit = min(limit, TELEGRAM_DOWNLOAD_LIMIT)
    if size is not None and size > limit:
        raise DocumentsError(ERR_DOC_TOO_LARGE, f"a file is at most {limit} bytes", status=413,
                             mb=f"{limit / 1024 / 1024:g}")
    await enqueue_job(session, INGEST_JOB, {
        "tg_file_id": tg_file_id, "name": clean_name(name), "mime_type": mime_type, "chat_id": chat_id,
        "message_id": message_id, "progress_outbox_id": progress_outbox_id,
    }, key=f"{INGEST_JOB}:tg:{chat_id}:{message_id}", user_id=user_id, chat_id=chat_id,
        max_attempts=settings.job_max_attempts)


# --- answers: which model, which prompts, which blocks ------------------------------------------------------------


async def provider_choice(session: AsyncSession, settings: Settings, user_id: int) -> ProviderChoice:
    """The user's own key first; with none, the platform's only if DOCUMENTS_PLATFORM_KEY allows it (else a clear
    refusal); with no key anywhere, the offline provider. Never another user's key."""
    choice = await choose(session, settings, user_id, "ai")
    if choice.key_source == "platform" and not (await system.effective(session, settings)).platform_key:
        raise DocumentsError(ERR_DOC_NO_KEY, "no own API key, and the platform's is not lent", status=403)
    return choice


def models_for(choice: ProviderChoice, settings: Settings) -> tuple[str, str]:
    """(flash, pro): the simple pipeline's model and the complex one's answering model."""
    if choice.provider == "openai":
        return settings.openai_model, settings.openai_pro_model
    if choice.provider == "gemini":
        return settings.gemini_flash_model, settings.gemini_pro_model
    return LOCAL_MODEL, LOCAL_MODEL


async def search(session: AsyncSession, cache: IndexCache, files: list[DocFile], question: str, top_k: int,
                 semantic: retrieval.Query | None = None) -> list[Candidate]:
    """The best blocks of the ready files for the question (each file's index built once per process); with
    ``semantic``, the files its model embedded are ranked by those embeddings too."""
    indexes = []
    for file in files:
        if file.status != "ready":
            continue
        index = cache.get(file.id)
        if index is None:
            index = FileIndex(file.id, file.name, await repo.blocks_of(session, [file.id]), file.embedding_model)
            cache.put(index)
        indexes.append(index)
    found = retrieval.search(indexes, question, top_k, semantic)
    return found or retrieval.opening(indexes, top_k)  # no word in common ("what is this about?"): the beginning


# --- the projects tree (GET /projects/tree, /projects/documents/{id}/results) ---------------------------------------

MAX_PROJECTS = 100
MAX_DOCUMENTS = 500
MAX_RESULTS = 50


async def projects_tree(session: AsyncSession, user_id: int) -> ProjectsTreeOut:
    """The user's chats as projects with their documents, and the documents in none."""
    chats = await repo.chats_of(session, user_id, limit=MAX_PROJECTS)
    files = {f.id: FileOut.of(f) for f in await repo.files_of(session, user_id, limit=MAX_DOCUMENTS)}
    by_chat: dict[int, list[FileOut]] = {}
    attached: set[int] = set()
    for chat_id, file_id in await repo.attached_pairs(session, user_id):
        attached.add(file_id)
        if file_id in files:
            by_chat.setdefault(chat_id, []).append(files[file_id])
    return ProjectsTreeOut(
        projects=[ProjectOut(id=c.id, title=c.title, updated_at=c.updated_at, documents=by_chat.get(c.id, []))
                  for c in chats],
        documents=[f for file_id, f in files.items() if file_id not in attached])


async def document_results(session: AsyncSession, user_id: int, file_id: int) -> DocumentResultsOut:
    """The user's finished answers that cite this document of theirs (404 for another user's)."""
    file = await get_file(session, user_id, file_id)
    results = []
    for answer, chat, question in await repo.answers_in_chats_with(session, user_id, file.id, MAX_RESULTS * 4):
        if any(c.get("file_id") == file.id for c in answer.citations or []):
            results.append(DocumentResultOut(chat_id=chat.id, chat_title=chat.title, question=question,
                                             answer=MessageOut.of(answer)))
    return DocumentResultsOut(document=FileOut.of(file), results=results[:MAX_RESULTS])


@dataclass(frozen=True)
class Overview:
    chats: list[Chat]
    files: dict[int, int]  # chat id -> attached files
    current: Chat | None


async def overview(session: AsyncSession, user_id: int) -> Overview:
    """/docs: the user's chats (latest first) with their file counts, and the one questions go to now."""
    chats = await repo.chats_of(session, user_id)
    current_id = await active_chat(session, user_id)
    current = next((c for c in chats if c.id == current_id), None)
    if current is None and current_id is not None:
        current = await repo.chat_of(session, user_id, current_id)
    return Overview(chats, await repo.attachment_counts(session, [c.id for c in chats]), current)


async def select_chat(session: AsyncSession, user_id: int, chat_id: int, ttl: int) -> Chat:
    chat = await get_chat(session, user_id, chat_id)
    await activate_chat(session, user_id, chat.id, ttl)
    return chat


_CLOSING = "»\"')"  # a question may end inside quotes or brackets


def is_question(text: str | None) -> bool:
    """What the bot takes for a question to the current documents chat: a text (not a command) ending in "?"."""
    text = (text or "").strip()
    return bool(text) and not text.startswith("/") and text.rstrip(_CLOSING).endswith("?")


async def ask_in_bot(session: AsyncSession, settings: Settings, user_id: int, chat_id: int, tg_chat_id: int,
                     text: str, placeholder_outbox_id: int | None) -> Asked:
    """A question in the bot goes to the current documents chat, which stays current a while longer."""
    asked = await ask(session, settings, user_id, chat_id, text,
                      telegram={"chat_id": tg_chat_id, "placeholder_outbox_id": placeholder_outbox_id})
    await activate_chat(session, user_id, chat_id, settings.documents_question_ttl)
    return asked


async def request_zoom(session: AsyncSession, settings: Settings, user_id: int, tg_chat_id: int, block_id: int,
                       pressed: str) -> None:
    """A citation button: the zoom job sends the block's region (the user's own block only)."""
    if await repo.block_of(session, user_id, block_id) is None:
        raise not_found()
    await enqueue_job(session, ZOOM_JOB, {"block_id": block_id, "chat_id": tg_chat_id},
                      key=f"{ZOOM_JOB}:{pressed}", user_id=user_id, chat_id=tg_chat_id, max_attempts=3)


async def effective_settings(session: AsyncSession, user_id: int) -> SettingsOut:
    """GET /me's settings: the profile, the chosen role (by the id chosen) and the version of it applied."""
    prefs = await user_settings_or_default(session, user_id)
    role = await role_of(session, prefs)
    return SettingsOut(model_profile=prefs.model_profile,  # type: ignore[arg-type]
                       selected_role_prompt_id=prefs.selected_role_prompt_id if role is not None else None,
                       role=RoleOut(id=role.id, name=role.name, description=role.description, version=role.version)
                       if role is not None else None)
