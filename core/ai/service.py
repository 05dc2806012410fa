"""What the bot and the worker call: file a note (classify + render), answer from context."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import structlog

from core.ai.errors import AIProviderError
from core.ai.local_provider import LocalProvider
from core.ai.provider import AIProvider
from core.ai.types import Answer, Classification, RenderedNote

log = structlog.get_logger(__name__)

_CITATION = re.compile(r"\[(\d{1,4})\]")


@dataclass(frozen=True)
class FiledNote:
    classification: Classification
    rendered: RenderedNote
    degraded: AIProviderError | None = None  # set when the provider failed and local heuristics filled in


async def classify_and_render(provider: AIProvider, text: str, *, language: str,
                              fallback: AIProvider | None = None) -> FiledNote:
    """Classify and render a note. If the provider fails (after its retries) and ``fallback`` is given
    (normally a ``LocalProvider``), the note is filed by the fallback and ``degraded`` says why."""
    try:
        classification = await provider.classify_note(text, language=language)
        rendered = await provider.render_note(text, classification, language=language)
        return FiledNote(classification, rendered)
    except AIProviderError as exc:
        if fallback is None:
            raise
        log.warning("ai.fallback", provider=exc.provider, code=exc.code, fallback=fallback.name)
        classification = await fallback.classify_note(text, language=language)
        rendered = await fallback.render_note(text, classification, language=language)
        return FiledNote(classification, rendered, degraded=exc)


async def file_note(provider: AIProvider, text: str, *, language: str) -> FiledNote:
    """``classify_and_render`` with the offline heuristics as the fallback: a note is always filed."""
    return await classify_and_render(provider, text, language=language, fallback=LocalProvider())


def cited_sources(text: str, context_size: int) -> list[int]:
    """0-based indices of the context items an answer cites as [n] (1-based), in order of first citation."""
    seen: list[int] = []
    for match in _CITATION.finditer(text):
        index = int(match.group(1)) - 1
        if 0 <= index < context_size and index not in seen:
            seen.append(index)
    return seen


async def collect_answer(provider: AIProvider, question: str, context: list[str], *, language: str) -> Answer:
    """Run ``provider.answer`` to the end and return the whole text with the sources it cites."""
    stream: AsyncIterator[str] = provider.answer(question, context, language=language)
    text = "".join([piece async for piece in stream])
    return Answer(text=text, sources=cited_sources(text, len(context)), is_heuristic=provider.name == "local")
