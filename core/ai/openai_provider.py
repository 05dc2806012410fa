"""OpenAI through the official AsyncOpenAI SDK: strict JSON-schema chat completions, streaming, Whisper, embeddings."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import openai
from openai import AsyncOpenAI
from pydantic import BaseModel

from core.ai import prompts
from core.ai.errors import (
    ERR_AI_AUTH,
    ERR_AI_BAD_OUTPUT,
    ERR_AI_QUOTA,
    ERR_AI_RATE_LIMITED,
    ERR_AI_REJECTED,
    ERR_AI_UNAVAILABLE,
    AIProviderError,
)
from core.ai.media import audio_filename, image_mime
from core.ai.provider import UsageRecorder, discard_usage
from core.ai.retry import RetryPolicy, call_with_retries, open_stream_with_retries, parse_retry_after
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
from core.ai.types import (
    Classification,
    Embedding,
    EntryAnalysis,
    Operation,
    RenderedNote,
    Transcript,
    Usage,
    UsageEvent,
)
from core.config import Settings

DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small"
EMBED_BATCH = 256
M = TypeVar("M", bound=BaseModel)


class OpenAIProvider:
    name = "openai"
    max_audio_bytes = 25 * 1024 * 1024

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        model: str = "gpt-4o-mini",
        stt_model: str = "whisper-1",
        embedding_model: str = DEFAULT_EMBEDDING_MODEL,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        recorder: UsageRecorder | None = None,
        bad_output_retries: int = 1,
    ) -> None:
        # the SDK's own retries are off: core.ai.retry does them, the same way for every provider
        self._client = AsyncOpenAI(api_key=api_key, base_url=base_url or None, timeout=timeout, max_retries=0)
        self.model = model
        self.stt_model = stt_model
        self.embedding_model = embedding_model
        self._retry = retry or RetryPolicy()
        self._record = recorder or discard_usage
        self._bad_output_retries = bad_output_retries

    @classmethod
    def from_settings(
        cls, settings: Settings, *, api_key: str | None = None, recorder: UsageRecorder | None = None,
        retry: RetryPolicy | None = None,
    ) -> OpenAIProvider:
        return cls(
            api_key if api_key is not None else settings.openai_api_key,
            base_url=settings.openai_base_url or None,
            model=settings.openai_model,
            stt_model=settings.openai_stt_model,
            embedding_model=settings.openai_embedding_model,
            timeout=settings.ai_timeout,
            retry=retry or RetryPolicy(max_retries=settings.ai_max_retries),
            recorder=recorder,
        )

    async def aclose(self) -> None:
        await self._client.close()

    # -- structured operations --------------------------------------------------------------------

    async def classify_note(self, text: str, *, language: str) -> Classification:
        out = await self._structured("classify", prompts.classify_system(language), text, CLASSIFY_SCHEMA,
                                     ClassifyOut)
        return Classification(**out.model_dump())

    async def render_note(self, text: str, classification: Classification, *, language: str) -> RenderedNote:
        out = await self._structured("render", prompts.render_system(language, classification), text,
                                     RENDER_SCHEMA, RenderOut)
        return RenderedNote(**out.model_dump())

    async def analyze_entry(self, text: str, *, language: str, image: bytes | None = None) -> EntryAnalysis:
        content: str | list[dict[str, Any]] = text
        if image is not None:
            data_url = f"data:{image_mime(image)};base64,{base64.b64encode(image).decode()}"
            content = [{"type": "text", "text": text or "(photo only)"},
                       {"type": "image_url", "image_url": {"url": data_url}}]
        out = await self._structured("analyze", prompts.analyze_system(language), content, ANALYZE_SCHEMA,
                                     AnalyzeOut)
        return EntryAnalysis(**out.model_dump())

    async def _structured(self, operation: Operation, system: str, content: str | list[dict[str, Any]],
                          schema: JsonSchema, model: type[M]) -> M:
        messages = [{"role": "system", "content": system}, {"role": "user", "content": content}]
        response_format = {"type": "json_schema",
                           "json_schema": {"name": operation, "strict": True, "schema": schema}}

        async def op() -> Any:
            return await self._client.chat.completions.create(  # type: ignore[call-overload]
                model=self.model, messages=messages, response_format=response_format,
            )

        async def fetch() -> str | None:
            result = await call_with_retries(op, classify=self._classify, policy=self._retry, what=operation)
            await self._emit(operation, self.model, _usage(result.usage) if result.usage else Usage(calls=1))
            if not result.choices:
                return None
            message = result.choices[0].message
            return None if message.refusal else message.content

        return await ask_structured(fetch, model, provider=self.name, what=operation,
                                    bad_output_retries=self._bad_output_retries)

    # -- streaming answer ---------------------------------------------------------------------------

    async def answer(self, question: str, context: list[str], *, language: str) -> AsyncIterator[str]:
        messages = [
            {"role": "system", "content": prompts.answer_system(language)},
            {"role": "user", "content": prompts.answer_user(question, context)},
        ]

        async def opener() -> AsyncIterator[Any]:
            return await self._client.chat.completions.create(  # type: ignore[call-overload,no-any-return]
                model=self.model, messages=messages, stream=True, stream_options={"include_usage": True},
            )

        stream = await open_stream_with_retries(opener, classify=self._classify, policy=self._retry,
                                                what="answer")
        usage = Usage(calls=1)
        try:
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = _usage(chunk.usage)
                for choice in chunk.choices:
                    if choice.delta.content:
                        yield choice.delta.content
        finally:
            await self._emit("answer", self.model, usage)

    # -- audio and embeddings -----------------------------------------------------------------------

    async def transcribe(
        self, audio: bytes, *, mime_type: str, language: str | None = None, duration_s: float | None = None
    ) -> Transcript:
        async def op() -> Any:
            return await self._client.audio.transcriptions.create(
                model=self.stt_model,
                file=(audio_filename(mime_type), audio, mime_type),
                language=language or openai.omit,
                response_format="json",
            )

        result = await call_with_retries(op, classify=self._classify, policy=self._retry, what="transcribe")
        seconds = duration_s or 0.0
        usage = Usage(calls=1)
        raw_usage = getattr(result, "usage", None)
        if raw_usage is not None:
            if getattr(raw_usage, "type", "") == "duration":
                seconds = float(raw_usage.seconds)
            else:
                usage = Usage(input_tokens=raw_usage.input_tokens, output_tokens=raw_usage.output_tokens, calls=1)
        await self._emit("transcribe", self.stt_model, usage, audio_seconds=seconds)
        return Transcript(text=(result.text or "").strip(), language=language, duration_s=seconds)

    async def embed(self, texts: list[str]) -> list[Embedding]:
        vectors: list[Embedding] = []
        for start in range(0, len(texts), EMBED_BATCH):
            batch = texts[start:start + EMBED_BATCH]

            async def op(batch: list[str] = batch) -> Any:
                return await self._client.embeddings.create(model=self.embedding_model, input=batch,
                                                            encoding_format="float")

            result = await call_with_retries(op, classify=self._classify, policy=self._retry, what="embed")
            await self._emit("embed", self.embedding_model,
                             Usage(input_tokens=result.usage.prompt_tokens if result.usage else 0, calls=1))
            for item in sorted(result.data, key=lambda d: d.index):
                vectors.append(Embedding(vector=[float(x) for x in item.embedding]))
        return vectors

    # -- plumbing ------------------------------------------------------------------------------------

    async def _emit(self, operation: Operation, model: str, usage: Usage, *, audio_seconds: float = 0.0) -> None:
        await self._record(UsageEvent(provider=self.name, model=model, operation=operation, usage=usage,
                                      audio_seconds=audio_seconds))

    def _classify(self, exc: BaseException) -> AIProviderError | None:
        return classify_openai_error(exc)


def _usage(raw: Any) -> Usage:
    return Usage(input_tokens=getattr(raw, "prompt_tokens", 0) or 0,
                 output_tokens=getattr(raw, "completion_tokens", 0) or 0, calls=1)


def classify_openai_error(exc: BaseException) -> AIProviderError | None:
    """Map an OpenAI SDK exception to our error (retryable or not); ``None`` for anything else."""
    p = "openai"
    if isinstance(exc, openai.APITimeoutError):
        return AIProviderError(ERR_AI_UNAVAILABLE, "OpenAI did not answer in time", provider=p, retryable=True)
    if isinstance(exc, openai.APIConnectionError):
        return AIProviderError(ERR_AI_UNAVAILABLE, "cannot reach OpenAI", provider=p, retryable=True)
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        retry_after = parse_retry_after(exc.response.headers)
        if status == 429:
            if exc.code == "insufficient_quota":
                return AIProviderError(ERR_AI_QUOTA, "the OpenAI account has no quota left", provider=p)
            return AIProviderError(ERR_AI_RATE_LIMITED, "OpenAI rate limit", provider=p, retryable=True,
                                   retry_after=retry_after)
        if status in (401, 403):
            return AIProviderError(ERR_AI_AUTH, f"OpenAI rejected the API key ({status})", provider=p)
        if status in (408, 409) or status >= 500:
            return AIProviderError(ERR_AI_UNAVAILABLE, f"OpenAI answered {status}", provider=p, retryable=True,
                                   retry_after=retry_after)
        return AIProviderError(ERR_AI_REJECTED, f"OpenAI refused the request ({status}): {exc.message}",
                               provider=p)
    if isinstance(exc, openai.APIResponseValidationError | json.JSONDecodeError):
        return AIProviderError(ERR_AI_BAD_OUTPUT, "OpenAI sent a response that is not valid JSON", provider=p,
                               retryable=True)
    return None
