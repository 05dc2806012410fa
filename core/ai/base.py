"""What every provider shares, written once: usage recording for all of them and, for the cloud vendors, the
structured-output, streaming and embedding plumbing around a few small per-vendor hooks."""

from __future__ import annotations

import functools
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from typing import Any, ClassVar, Self, TypedDict, TypeVar

from pydantic import BaseModel

from core.ai import prompts
from core.ai.errors import AIProviderError
from core.ai.provider import UsageRecorder, discard_usage
from core.ai.retry import RetryPolicy, call_with_retries, open_stream_with_retries
from core.ai.schemas import (
    ANALYZE_SCHEMA,
    CLASSIFY_SCHEMA,
    RENDER_SCHEMA,
    AnalyzeOut,
    ClassifyOut,
    JsonSchema,
    RenderOut,
)
from core.ai.structured import ask_structured
from core.ai.tools import ToolChat, ToolResult, ToolSpec, ToolStep
from core.ai.types import Classification, Embedding, EntryAnalysis, Operation, RenderedNote, Usage, UsageEvent
from core.config import Settings
from core.metrics import AI_CALLS, AI_LATENCY, AI_TOKENS, STT_AUDIO

M = TypeVar("M", bound=BaseModel)
PHOTO_ONLY = "(photo only)"  # stands for the caption of a photo sent without one


class BaseProvider:
    """Recorder and usage events, so that every provider bills its operations the same way."""

    name: str
    max_audio_bytes: int  # the largest audio file transcribe() accepts in one call

    def __init__(self, *, recorder: UsageRecorder | None = None) -> None:
        self._record = recorder or discard_usage

    async def aclose(self) -> None:
        """Nothing to release unless the provider holds a client."""

    async def _emit(self, operation: Operation, model: str, usage: Usage | None = None, *,
                    audio_seconds: float = 0.0, started: float | None = None) -> None:
        """Report one operation (to the usage recorder and the metrics); without ``usage`` it counts as one call with
        no tokens. ``started`` (``time.perf_counter()`` before the call) gives its latency."""
        usage = usage if usage is not None else Usage(calls=1)
        AI_CALLS.labels(self.name, model, operation).inc(usage.calls)
        AI_TOKENS.labels(self.name, model, "input").inc(usage.input_tokens)
        AI_TOKENS.labels(self.name, model, "output").inc(usage.output_tokens)
        if audio_seconds:
            STT_AUDIO.labels(self.name).inc(audio_seconds)
        if started is not None:
            AI_LATENCY.labels(self.name, operation).observe(time.perf_counter() - started)
        await self._record(UsageEvent(provider=self.name, model=model, operation=operation, usage=usage,
                                      audio_seconds=audio_seconds))


class CloudOptions(TypedDict, total=False):
    """The constructor options every cloud provider takes; the vendor adds its models and their defaults."""

    base_url: str | None
    timeout: float
    retry: RetryPolicy | None
    recorder: UsageRecorder | None
    bad_output_retries: int


class CloudProvider(BaseProvider, ABC):
    """A model behind an SDK: retries, usage and output validation here; the vendor only speaks its wire format."""

    embed_batch: int  # how many texts one embedding request may carry
    settings_fields: ClassVar[dict[str, str]]  # constructor argument -> the Settings field that configures it

    def __init__(
        self,
        api_key: str,
        *,
        model: str,
        embedding_model: str,
        base_url: str | None = None,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        recorder: UsageRecorder | None = None,
        bad_output_retries: int = 1,
    ) -> None:
        super().__init__(recorder=recorder)
        self._connect(api_key, base_url=base_url or None, timeout=timeout)
        self.model = model
        self.answer_model = model
        self.embedding_model = embedding_model
        self._retry = retry or RetryPolicy()
        self._bad_output_retries = bad_output_retries

    @classmethod
    def from_settings(
        cls, settings: Settings, *, api_key: str | None = None, recorder: UsageRecorder | None = None,
        retry: RetryPolicy | None = None,
    ) -> Self:
        """The provider as the settings configure it; ``api_key`` (a user's own key) replaces the platform's."""
        options = {option: getattr(settings, field) for option, field in cls.settings_fields.items()}
        if api_key is not None:
            options["api_key"] = api_key
        return cls(timeout=settings.ai_timeout, retry=retry or RetryPolicy(max_retries=settings.ai_max_retries),
                   recorder=recorder, **options)

    # -- vendor hooks ---------------------------------------------------------------------------------

    @abstractmethod
    def _connect(self, api_key: str, *, base_url: str | None, timeout: float) -> None:
        """Build the SDK client with its own retries off: :mod:`core.ai.retry` retries for every vendor."""

    @abstractmethod
    def _text_content(self, text: str) -> Any:
        """The user turn of a text-only request."""

    @abstractmethod
    def _analyze_content(self, text: str, image: bytes | None) -> Any:
        """The user turn of a journal entry, with its photo if there is one."""

    @abstractmethod
    async def _ask_json(self, operation: Operation, system: str | None, content: Any,
                        schema: JsonSchema) -> tuple[str | None, Usage]:
        """One request for JSON fitting ``schema``: the model's raw text (``None`` if refused) and its usage."""

    @abstractmethod
    async def _open_answer_stream(self, system: str, user: str) -> AsyncIterator[Any]:
        """Start streaming the answer; the chunks go to :meth:`_read_chunk`."""

    @abstractmethod
    def _read_chunk(self, chunk: Any) -> tuple[str | None, Usage | None]:
        """The text in one streamed chunk and, if the chunk reports it, the usage so far."""

    @abstractmethod
    async def _embed_batch(self, batch: list[str]) -> tuple[list[list[float]], Usage]:
        """The vectors of one batch (at most ``embed_batch`` texts), in order, and the usage."""

    @abstractmethod
    def _classify(self, exc: BaseException) -> AIProviderError | None:
        """Map an SDK exception to our error (retryable or not); ``None`` lets it propagate."""

    # -- chat with several system parts, images and function calling (the documents app) ---------------------------

    @abstractmethod
    def _user_turn(self, text: str, images: Sequence[bytes]) -> list[Any]:
        """The conversation's first turn: the user's text and images."""

    @abstractmethod
    async def _open_chat_stream(self, system: list[str], text: str, images: Sequence[bytes],
                                model: str) -> AsyncIterator[Any]:
        """Start streaming a reply to one user turn under ``system`` (its parts in order); chunks go to _read_chunk."""

    @abstractmethod
    async def _tool_request(self, system: list[str], turns: list[Any], tools: list[ToolSpec],
                            model: str) -> tuple[Any, ToolStep, Usage]:
        """One request with tools: the model's turn (to append to the conversation), its text or calls, the usage."""

    @abstractmethod
    def _tool_results(self, results: list[ToolResult]) -> list[Any]:
        """The turns that give the model its calls' results (and their images)."""

    # -- structured operations ------------------------------------------------------------------------

    async def classify_note(self, text: str, *, language: str) -> Classification:
        out = await self._structured("classify", prompts.classify_system(language), self._text_content(text),
                                     CLASSIFY_SCHEMA, ClassifyOut)
        return Classification(**out.model_dump())

    async def render_note(self, text: str, classification: Classification, *, language: str) -> RenderedNote:
        out = await self._structured("render", prompts.render_system(language, classification),
                                     self._text_content(text), RENDER_SCHEMA, RenderOut)
        return RenderedNote(**out.model_dump())

    async def analyze_entry(self, text: str, *, language: str, image: bytes | None = None) -> EntryAnalysis:
        out = await self._structured("analyze", prompts.analyze_system(language), self._analyze_content(text, image),
                                     ANALYZE_SCHEMA, AnalyzeOut)
        return EntryAnalysis(**out.model_dump())

    async def _structured(self, operation: Operation, system: str | None, content: Any, schema: JsonSchema,
                          model: type[M], *, audio_seconds: float = 0.0) -> M:
        """Ask under the retry policy, bill every answer, and ask again while the output does not validate."""
        op = functools.partial(self._ask_json, operation, system, content, schema)

        async def fetch() -> str | None:
            started = time.perf_counter()
            raw, usage = await call_with_retries(op, classify=self._classify, policy=self._retry, what=operation)
            await self._emit(operation, self.model, usage, audio_seconds=audio_seconds, started=started)
            return raw

        return await ask_structured(fetch, model, provider=self.name, what=operation,
                                    bad_output_retries=self._bad_output_retries)

    # -- streaming answer and embeddings --------------------------------------------------------------

    async def answer(self, question: str, context: list[str], *, language: str) -> AsyncIterator[str]:
        opener = functools.partial(self._open_answer_stream, prompts.answer_system(language),
                                   prompts.answer_user(question, context))
        started = time.perf_counter()
        stream = await open_stream_with_retries(opener, classify=self._classify, policy=self._retry,
                                                what="answer")
        usage = Usage(calls=1)
        try:
            async for chunk in stream:
                piece, chunk_usage = self._read_chunk(chunk)
                if chunk_usage is not None:
                    usage = chunk_usage
                if piece:
                    yield piece
        finally:  # a reader that stops early still pays for what was generated
            await self._emit("answer", self.answer_model, usage, started=started)

    async def stream_chat(self, system: Sequence[str], text: str, *, images: Sequence[bytes] = (),
                          model: str | None = None) -> AsyncIterator[str]:
        """Stream the reply to one user turn (text and images) under several system parts, applied in order."""
        model = model or self.answer_model
        opener = functools.partial(self._open_chat_stream, list(system), text, list(images), model)
        started = time.perf_counter()
        stream = await open_stream_with_retries(opener, classify=self._classify, policy=self._retry, what="answer")
        usage = Usage(calls=1)
        try:
            async for chunk in stream:
                piece, chunk_usage = self._read_chunk(chunk)
                if chunk_usage is not None:
                    usage = chunk_usage
                if piece:
                    yield piece
        finally:
            await self._emit("answer", model, usage, started=started)

    def start_tools(self, system: Sequence[str], text: str, *, tools: Sequence[ToolSpec],
                    images: Sequence[bytes] = (), model: str | None = None) -> ToolChat:
        """A function-calling conversation (:class:`core.ai.tools.ToolChat`) that starts with this user turn."""
        return ToolChat(self, list(system), text, list(images), list(tools), model or self.model)

    async def _tool_step(self, system: list[str], turns: list[Any], tools: list[ToolSpec],
                         model: str) -> tuple[Any, ToolStep]:
        op = functools.partial(self._tool_request, system, turns, tools, model)
        started = time.perf_counter()
        turn, step, usage = await call_with_retries(op, classify=self._classify, policy=self._retry, what="tools")
        await self._emit("answer", model, usage, started=started)
        return turn, step

    async def embed(self, texts: list[str]) -> list[Embedding]:
        vectors: list[Embedding] = []
        for start in range(0, len(texts), self.embed_batch):
            op = functools.partial(self._embed_batch, texts[start:start + self.embed_batch])
            started = time.perf_counter()
            batch_vectors, usage = await call_with_retries(op, classify=self._classify, policy=self._retry,
                                                           what="embed")
            await self._emit("embed", self.embedding_model, usage, started=started)
            vectors.extend(Embedding(vector=vector) for vector in batch_vectors)
        return vectors
