"""Typed results every AI provider returns, whatever model (or heuristic) produced them."""

from __future__ import annotations

import html
from typing import Literal, get_args

from pydantic import BaseModel, Field

NoteKind = Literal["note", "task", "meeting", "expense", "idea", "link", "reminder", "question"]
NOTE_KINDS: tuple[str, ...] = get_args(NoteKind)
Operation = Literal["classify", "render", "analyze", "answer", "transcribe", "embed"]

_TOPICS: dict[str, dict[str, str]] = {
    "ru": {
        "note": "Заметки", "task": "Задачи", "meeting": "Встречи", "expense": "Расходы",
        "idea": "Идеи", "link": "Ссылки", "reminder": "Напоминания", "question": "Вопросы",
    },
    "en": {
        "note": "Notes", "task": "Tasks", "meeting": "Meetings", "expense": "Expenses",
        "idea": "Ideas", "link": "Links", "reminder": "Reminders", "question": "Questions",
    },
}


def default_topic(kind: str, language: str) -> str:
    """The forum topic a note of this kind goes to when nothing better is known."""
    names = _TOPICS.get(language, _TOPICS["en"])
    return names.get(kind, names["note"])


class Classification(BaseModel):
    kind: NoteKind
    topic: str
    confidence: float = Field(ge=0.0, le=1.0)
    tags: list[str] = Field(default_factory=list)
    is_heuristic: bool = False


class RenderedNote(BaseModel):
    title: str
    summary: str
    body_markdown: str
    tags: list[str] = Field(default_factory=list)
    is_heuristic: bool = False

    @property
    def body_html(self) -> str:
        """The body escaped for Telegram's HTML parse mode (no markup is interpreted)."""
        return html.escape(self.body_markdown, quote=False)


class AnalysisItem(BaseModel):
    """One line of a receipt: what was bought and what it cost."""

    name: str
    amount: float | None = None


class EntryAnalysis(BaseModel):
    """A life-log journal entry read out of free text (and optionally a photo)."""

    action: str
    object: str
    amount: float | None = None
    unit: str | None = None
    currency: str | None = None  # ISO 4217 code: RUB, USD, EUR…
    people: list[str] = Field(default_factory=list)
    place: str | None = None
    tags: list[str] = Field(default_factory=list)
    summary: str = ""
    date: str | None = None  # YYYY-MM-DD printed on a receipt or a document in the photo
    items: list[AnalysisItem] = Field(default_factory=list)  # a receipt's lines
    is_heuristic: bool = False


class Answer(BaseModel):
    text: str
    sources: list[int] = Field(default_factory=list)  # indices into the context passed to answer()
    is_heuristic: bool = False


class TranscriptChunk(BaseModel):
    index: int
    start_s: float
    end_s: float
    text: str


class Transcript(BaseModel):
    text: str
    language: str | None = None
    duration_s: float = 0.0
    chunks: list[TranscriptChunk] = Field(default_factory=list)


class Embedding(BaseModel):
    vector: list[float]


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            calls=self.calls + other.calls,
        )


class UsageEvent(BaseModel):
    """What one provider operation cost; handed to the usage recorder after every call."""

    provider: str
    model: str
    operation: Operation
    usage: Usage
    audio_seconds: float = 0.0
