"""What the documents API takes and gives."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.documents.models import Chat, ChatMessage, DocFile, RolePrompt, SystemPrompt

# --- responses ----------------------------------------------------------------------------------------------------


class FileOut(BaseModel):
    id: int
    name: str
    kind: Literal["pdf", "md", "html", "json"]
    mime_type: str
    size_bytes: int
    status: Literal["processing", "ready", "failed"] = Field(
        description="processing: stored, its pages are being read (pages_done of pages); ready; failed (error_code)")
    error_code: str | None
    pages: int
    pages_done: int
    scanned_pages: int = Field(description="pages without a text layer (scans); their text is searched only when OCR "
                                           "read it (ocr_pages)")
    ocr_pages: int = Field(description="scanned pages whose text was read by OCR (Tesseract)")
    created_at: datetime
    download_url: str

    @classmethod
    def of(cls, file: DocFile) -> FileOut:
        return cls(id=file.id, name=file.name, kind=file.kind, mime_type=file.mime_type,  # type: ignore[arg-type]
                   size_bytes=file.size_bytes, status=file.status, error_code=file.error_code,  # type: ignore[arg-type]
                   pages=file.pages, pages_done=file.pages_done, scanned_pages=file.scanned_pages,
                   ocr_pages=file.ocr_pages,
                   created_at=file.created_at, download_url=f"/api/v1/files/{file.id}/content")


class Citation(BaseModel):
    n: int = Field(description="the [n] the answer's text cites")
    file_id: int
    file_name: str
    page: int
    block_id: int
    box: list[float] = Field(description="x0, y0, x1, y1: the block on its page, fractions from the top-left corner")


class MessageOut(BaseModel):
    id: int
    role: Literal["user", "assistant"]
    content: str
    status: Literal["streaming", "done", "failed"]
    model_profile: str | None
    model: str | None
    citations: list[Citation]
    error_code: str | None
    created_at: datetime

    @classmethod
    def of(cls, message: ChatMessage) -> MessageOut:
        return cls(id=message.id, role=message.role, content=message.content,  # type: ignore[arg-type]
                   status=message.status, model_profile=message.model_profile,  # type: ignore[arg-type]
                   model=message.model, citations=[Citation(**c) for c in message.citations or []],
                   error_code=message.error_code, created_at=message.created_at)


class ChatOut(BaseModel):
    id: int
    title: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, chat: Chat) -> ChatOut:
        return cls(id=chat.id, title=chat.title, created_at=chat.created_at, updated_at=chat.updated_at)


class ChatHistoryOut(ChatOut):
    files: list[FileOut]
    messages: list[MessageOut]


class AttachmentOut(BaseModel):
    chat_id: int
    file: FileOut


class SentOut(BaseModel):
    """The question and the answer being written; GET /chats/{id}/stream streams it."""

    message: MessageOut
    answer: MessageOut
    stream_url: str


class RoleOut(BaseModel):
    id: int
    name: str
    description: str
    version: int


class SettingsOut(BaseModel):
    model_profile: Literal["simple", "complex"]
    selected_role_prompt_id: int | None
    role: RoleOut | None


class PromptOut(BaseModel):
    id: int
    name: str
    content: str
    version: int
    is_active: bool
    description: str
    updated_at: datetime

    @classmethod
    def of(cls, prompt: SystemPrompt | RolePrompt) -> PromptOut:
        return cls(id=prompt.id, name=prompt.name, content=prompt.content, version=prompt.version,
                   is_active=prompt.is_active, description=prompt.description, updated_at=prompt.updated_at)


class ProjectOut(BaseModel):
    """A project of the tree: one of the user's chats, with the documents attached to it."""

    id: int = Field(description="the chat's id")
    title: str
    updated_at: datetime
    documents: list[FileOut]


class ProjectsTreeOut(BaseModel):
    projects: list[ProjectOut] = Field(description="the user's chats, the latest used first")
    documents: list[FileOut] = Field(description="the user's documents attached to no chat yet")


class DocumentResultOut(BaseModel):
    chat_id: int
    chat_title: str
    question: str | None
    answer: MessageOut


class DocumentResultsOut(BaseModel):
    """What the document has answered: the finished answers that cite it, the latest first."""

    document: FileOut
    results: list[DocumentResultOut]


# --- requests -----------------------------------------------------------------------------------------------------


class ChatCreate(BaseModel):
    title: str = Field(default="", max_length=255)


class MessageCreate(BaseModel):
    content: str = Field(min_length=1, max_length=4000)


class AttachmentCreate(BaseModel):
    model_config = ConfigDict(strict=True)  # an id is a JSON integer: `true` is not file 1

    file_id: int = Field(ge=1, le=2**63 - 1)


class SettingsPatch(BaseModel):
    """Only these two; a field left out is not changed, `selected_role_prompt_id: null` means no role."""

    model_config = ConfigDict(strict=True)  # an id is a JSON integer: `true` is not role 1

    model_profile: Literal["simple", "complex"] | None = None
    selected_role_prompt_id: int | None = Field(default=None, ge=1, le=2**63 - 1)


class PromptCreate(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    # at most 12 bytes a character in JSON (an escaped surrogate pair): the body stays under API_MAX_BODY_BYTES
    content: str = Field(min_length=1, max_length=20_000)
    description: str = Field(default="", max_length=500)
    activate: bool = Field(default=True, description="make the new version the active one")


class PromptActivate(BaseModel):
    """Activate a version of a prompt: a newer one, or an older one (a rollback)."""

    name: str = Field(min_length=1, max_length=64)
    version: int = Field(ge=1, le=2**31 - 1)
