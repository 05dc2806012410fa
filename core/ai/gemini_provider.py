"""Gemini through the official google-genai SDK: JSON responses with a schema, streaming, inline audio and
images, embeddings."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import aiohttp
import httpx
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as gtypes
from pydantic import BaseModel

from core.ai import prompts
from core.ai.errors import (
    ERR_AI_AUTH,
    ERR_AI_BAD_OUTPUT,
    ERR_AI_RATE_LIMITED,
    ERR_AI_REJECTED,
    ERR_AI_UNAVAILABLE,
    AIProviderError,
)
from core.ai.media import image_mime
from core.ai.provider import UsageRecorder, discard_usage
from core.ai.retry import RetryPolicy, call_with_retries, open_stream_with_retries, parse_retry_after
from core.ai.schemas import (
    ANALYZE_SCHEMA,
    CLASSIFY_SCHEMA,
    RENDER_SCHEMA,
    TRANSCRIBE_SCHEMA,
    AnalyzeOut,
    ClassifyOut,
    JsonSchema,
    RenderOut,
    TranscribeOut,
    to_gemini_schema,
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

DEFAULT_EMBEDDING_MODEL = "gemini-embedding-001"
API_VERSION = "v1beta"  # responseSchema and inline audio are documented there; the SDK's default moved to v1
EMBED_BATCH = 100  # batchEmbedContents accepts at most 100 requests
M = TypeVar("M", bound=BaseModel)


class GeminiProvider:
    name = "gemini"
    # inline requests are limited to 20 MB in total; base64 grows the audio by 4/3
    max_audio_bytes = 14 * 1024 * 1024

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        model: str = "gemini-2.5-flash",
        answer_model: str | None = None,
        embedding_model: str = DEFAULT_EMBEDDING_MODEL,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        recorder: UsageRecorder | None = None,
        bad_output_retries: int = 1,
    ) -> None:
        http_options = gtypes.HttpOptions(
            base_url=base_url or None,
            api_version=API_VERSION,
            timeout=max(1, int(timeout * 1000)),  # milliseconds
            # one attempt: core.ai.retry retries, the same way for every provider
            retry_options=gtypes.HttpRetryOptions(attempts=1),
        )
        self._client = genai.Client(api_key=api_key, http_options=http_options)
        self.model = model
        self.answer_model = answer_model or model
        self.embedding_model = embedding_model
        self._retry = retry or RetryPolicy()
        self._record = recorder or discard_usage
        self._bad_output_retries = bad_output_retries

    @classmethod
    def from_settings(
        cls, settings: Settings, *, api_key: str | None = None, recorder: UsageRecorder | None = None,
        retry: RetryPolicy | None = None,
    ) -> GeminiProvider:
        return cls(
            api_key if api_key is not None else settings.gemini_api_key,
            base_url=settings.gemini_base_url or None,
            model=settings.gemini_flash_model,
            answer_model=settings.gemini_flash_model,
            embedding_model=settings.gemini_embedding_model,
            timeout=settings.ai_timeout,
            retry=retry or RetryPolicy(max_retries=settings.ai_max_retries),
            recorder=recorder,
        )

    async def aclose(self) -> None:
        await self._client.aio.aclose()

    # -- structured operations --------------------------------------------------------------------

    async def classify_note(self, text: str, *, language: str) -> Classification:
        out = await self._structured("classify", prompts.classify_system(language), [_text(text)],
                                     CLASSIFY_SCHEMA, ClassifyOut)
        return Classification(**out.model_dump())

    async def render_note(self, text: str, classification: Classification, *, language: str) -> RenderedNote:
        out = await self._structured("render", prompts.render_system(language, classification), [_text(text)],
                                     RENDER_SCHEMA, RenderOut)
        return RenderedNote(**out.model_dump())

    async def analyze_entry(self, text: str, *, language: str, image: bytes | None = None) -> EntryAnalysis:
        parts = [_text(text or "(photo only)")]
        if image is not None:
            parts.append(gtypes.Part.from_bytes(data=image, mime_type=image_mime(image)))
        out = await self._structured("analyze", prompts.analyze_system(language), parts, ANALYZE_SCHEMA,
                                     AnalyzeOut)
        return EntryAnalysis(**out.model_dump())

    async def transcribe(
        self, audio: bytes, *, mime_type: str, language: str | None = None, duration_s: float | None = None
    ) -> Transcript:
        parts = [gtypes.Part.from_bytes(data=audio, mime_type=mime_type.split(";")[0]),
                 _text(prompts.transcribe_instruction(language))]
        out = await self._structured("transcribe", None, parts, TRANSCRIBE_SCHEMA, TranscribeOut,
                                     audio_seconds=duration_s or 0.0)
        return Transcript(text=out.text.strip(), language=out.language or language, duration_s=duration_s or 0.0)

    async def _structured(self, operation: Operation, system: str | None, parts: list[gtypes.Part],
                          schema: JsonSchema, model: type[M], *, audio_seconds: float = 0.0) -> M:
        config = gtypes.GenerateContentConfig(
            system_instruction=system,
            response_mime_type="application/json",
            response_schema=gtypes.Schema.model_validate(to_gemini_schema(schema)),
        )
        contents = [gtypes.Content(role="user", parts=parts)]

        async def op() -> gtypes.GenerateContentResponse:
            return await self._client.aio.models.generate_content(model=self.model, contents=contents,
                                                                  config=config)

        async def fetch() -> str | None:
            result = await call_with_retries(op, classify=self._classify, policy=self._retry, what=operation)
            await self._emit(operation, self.model, _usage(result.usage_metadata), audio_seconds=audio_seconds)
            return _response_text(result)

        return await ask_structured(fetch, model, provider=self.name, what=operation,
                                    bad_output_retries=self._bad_output_retries)

    # -- streaming answer ---------------------------------------------------------------------------

    async def answer(self, question: str, context: list[str], *, language: str) -> AsyncIterator[str]:
        config = gtypes.GenerateContentConfig(system_instruction=prompts.answer_system(language))
        contents = [gtypes.Content(role="user", parts=[_text(prompts.answer_user(question, context))])]

        async def opener() -> AsyncIterator[gtypes.GenerateContentResponse]:
            return await self._client.aio.models.generate_content_stream(
                model=self.answer_model, contents=contents, config=config)

        stream = await open_stream_with_retries(opener, classify=self._classify, policy=self._retry,
                                                what="answer")
        usage = Usage(calls=1)
        try:
            async for chunk in stream:
                if chunk.usage_metadata is not None:
                    usage = _usage(chunk.usage_metadata)
                piece = _response_text(chunk)
                if piece:
                    yield piece
        finally:
            await self._emit("answer", self.answer_model, usage)

    # -- embeddings ------------------------------------------------------------------------------------

    async def embed(self, texts: list[str]) -> list[Embedding]:
        vectors: list[Embedding] = []
        for start in range(0, len(texts), EMBED_BATCH):
            batch: list[Any] = list(texts[start:start + EMBED_BATCH])

            async def op(batch: list[Any] = batch) -> gtypes.EmbedContentResponse:
                return await self._client.aio.models.embed_content(model=self.embedding_model, contents=batch)

            result = await call_with_retries(op, classify=self._classify, policy=self._retry, what="embed")
            await self._emit("embed", self.embedding_model, Usage(calls=1))
            for item in result.embeddings or []:
                vectors.append(Embedding(vector=[float(x) for x in item.values or []]))
        if len(vectors) != len(texts):
            raise AIProviderError(ERR_AI_BAD_OUTPUT, f"Gemini returned {len(vectors)} embeddings for "
                                  f"{len(texts)} texts", provider=self.name)
        return vectors

    # -- plumbing ------------------------------------------------------------------------------------

    async def _emit(self, operation: Operation, model: str, usage: Usage, *, audio_seconds: float = 0.0) -> None:
        await self._record(UsageEvent(provider=self.name, model=model, operation=operation, usage=usage,
                                      audio_seconds=audio_seconds))

    def _classify(self, exc: BaseException) -> AIProviderError | None:
        return classify_gemini_error(exc)


def _text(text: str) -> gtypes.Part:
    return gtypes.Part.from_text(text=text)


def _response_text(response: gtypes.GenerateContentResponse) -> str | None:
    """The text parts of the first candidate (``response.text`` without its warnings)."""
    if not response.candidates:
        return None
    content = response.candidates[0].content
    if content is None or not content.parts:
        return None
    texts = [p.text for p in content.parts if p.text and not p.thought]
    return "".join(texts) if texts else None


def _usage(meta: gtypes.GenerateContentResponseUsageMetadata | None) -> Usage:
    if meta is None:
        return Usage(calls=1)
    return Usage(input_tokens=meta.prompt_token_count or 0, output_tokens=meta.candidates_token_count or 0,
                 calls=1)


_DELAY = re.compile(r"^\s*([\d.]+)s\s*$")


def _retry_delay(details: Any) -> float | None:
    """Seconds from a google.rpc.RetryInfo in an error body (``"retryDelay": "30s"``)."""
    error = details.get("error", details) if isinstance(details, dict) else {}
    for item in error.get("details", []) if isinstance(error, dict) else []:
        if isinstance(item, dict) and str(item.get("@type", "")).endswith("RetryInfo"):
            match = _DELAY.match(str(item.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    return None


def classify_gemini_error(exc: BaseException) -> AIProviderError | None:
    """Map a google-genai (or transport) exception to our error; ``None`` for anything else."""
    p = "gemini"
    if isinstance(exc, genai_errors.APIError):
        code = int(exc.code or 0)
        retry_after = parse_retry_after(getattr(exc.response, "headers", None))
        if retry_after is None:
            retry_after = _retry_delay(exc.details)
        if code == 429:
            return AIProviderError(ERR_AI_RATE_LIMITED, "Gemini rate limit", provider=p, retryable=True,
                                   retry_after=retry_after)
        if code in (401, 403) or (code == 400 and "API_KEY_INVALID" in json.dumps(exc.details, default=str)):
            return AIProviderError(ERR_AI_AUTH, f"Gemini rejected the API key ({code})", provider=p)
        if code == 408 or code >= 500:
            return AIProviderError(ERR_AI_UNAVAILABLE, f"Gemini answered {code}", provider=p, retryable=True,
                                   retry_after=retry_after)
        return AIProviderError(ERR_AI_REJECTED, f"Gemini refused the request ({code}): {exc.message}",
                               provider=p)
    if isinstance(exc, TimeoutError | asyncio.TimeoutError | httpx.TimeoutException):
        return AIProviderError(ERR_AI_UNAVAILABLE, "Gemini did not answer in time", provider=p, retryable=True)
    if isinstance(exc, aiohttp.ClientError | httpx.TransportError):
        return AIProviderError(ERR_AI_UNAVAILABLE, "cannot reach Gemini", provider=p, retryable=True)
    if isinstance(exc, genai_errors.UnknownApiResponseError | json.JSONDecodeError):
        return AIProviderError(ERR_AI_BAD_OUTPUT, "Gemini sent a response that is not valid JSON", provider=p,
                               retryable=True)
    return None
