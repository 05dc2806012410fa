"""The AI provider interface every backend (local heuristics, OpenAI, Gemini) implements."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol, runtime_checkable

from core.ai.types import (
    Classification,
    Embedding,
    EntryAnalysis,
    RenderedNote,
    Transcript,
    UsageEvent,
)

UsageRecorder = Callable[[UsageEvent], Awaitable[None]]


async def discard_usage(event: UsageEvent) -> None:
    """The recorder used when nobody asked for usage."""


class UsageCollector:
    """A recorder that keeps the events in memory (persist them later with ``core.ai.usage.record_all``)."""

    def __init__(self) -> None:
        self.events: list[UsageEvent] = []

    async def __call__(self, event: UsageEvent) -> None:
        self.events.append(event)


@runtime_checkable
class AIProvider(Protocol):
    name: str
    max_audio_bytes: int  # the largest audio file transcribe() accepts in one call

    async def classify_note(self, text: str, *, language: str) -> Classification: ...

    async def render_note(self, text: str, classification: Classification, *, language: str) -> RenderedNote: ...

    async def analyze_entry(self, text: str, *, language: str, image: bytes | None = None) -> EntryAnalysis: ...

    def answer(self, question: str, context: list[str], *, language: str) -> AsyncIterator[str]:
        """Stream the answer's text; cite context items as [1], [2]… (1-based)."""
        ...

    async def transcribe(
        self, audio: bytes, *, mime_type: str, language: str | None = None, duration_s: float | None = None
    ) -> Transcript: ...

    async def embed(self, texts: list[str]) -> list[Embedding]: ...

    async def aclose(self) -> None: ...
