"""Gemini through the official google-genai SDK: JSON responses with a schema, streaming, inline audio and
images, embeddings."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Sequence
from typing import Any, Unpack

import aiohttp
import httpx
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as gtypes

from core.ai import prompts
from core.ai.base import PHOTO_ONLY, CloudOptions, CloudProvider
from core.ai.errors import (
    ERR_AI_AUTH,
    ERR_AI_BAD_OUTPUT,
    ERR_AI_RATE_LIMITED,
    ERR_AI_REJECTED,
    ERR_AI_UNAVAILABLE,
    AIProviderError,
)
from core.ai.media import image_mime
from core.ai.retry import parse_retry_after
from core.ai.schemas import TRANSCRIBE_SCHEMA, JsonSchema, TranscribeOut, to_gemini_schema
from core.ai.tools import ToolCall, ToolResult, ToolSpec, ToolStep
from core.ai.types import Embedding, Operation, Transcript, Usage

DEFAULT_EMBEDDING_MODEL = "gemini-embedding-001"
API_VERSION = "v1beta"  # responseSchema and inline audio are documented there; the SDK's default moved to v1
EMBED_BATCH = 100  # batchEmbedContents accepts at most 100 requests


class GeminiProvider(CloudProvider):
    """Gemini's generateContent with a response schema (v1beta). There is no speech endpoint: audio is sent
    inline in a structured request, so its size is bounded by the inline request limit."""

    name = "gemini"
    # inline requests are limited to 20 MB in total; base64 grows the audio by 4/3
    max_audio_bytes = 14 * 1024 * 1024
    embed_batch = EMBED_BATCH
    settings_fields = {"api_key": "gemini_api_key", "base_url": "gemini_base_url", "model": "gemini_flash_model",
                       "answer_model": "gemini_flash_model", "embedding_model": "gemini_embedding_model"}

    def __init__(self, api_key: str, *, model: str = "gemini-2.5-flash", answer_model: str | None = None,
                 embedding_model: str = DEFAULT_EMBEDDING_MODEL, **options: Unpack[CloudOptions]) -> None:
        super().__init__(api_key, model=model, embedding_model=embedding_model, **options)
        self.answer_model = answer_model or model

    def _connect(self, api_key: str, *, base_url: str | None, timeout: float) -> None:
        http_options = gtypes.HttpOptions(
            base_url=base_url,
            api_version=API_VERSION,
            timeout=max(1, int(timeout * 1000)),  # milliseconds
            retry_options=gtypes.HttpRetryOptions(attempts=1),  # core.ai.retry retries
        )
        self._client = genai.Client(api_key=api_key, http_options=http_options)

    async def aclose(self) -> None:
        await self._client.aio.aclose()

    # -- wire format ----------------------------------------------------------------------------------

    def _text_content(self, text: str) -> list[gtypes.Part]:
        return [_text(text)]

    def _analyze_content(self, text: str, image: bytes | None) -> list[gtypes.Part]:
        parts = [_text(text or PHOTO_ONLY)]
        if image is not None:
            parts.append(gtypes.Part.from_bytes(data=image, mime_type=image_mime(image)))
        return parts

    async def _ask_json(self, operation: Operation, system: str | None, content: Any,
                        schema: JsonSchema) -> tuple[str | None, Usage]:
        config = gtypes.GenerateContentConfig(
            system_instruction=system,
            response_mime_type="application/json",
            response_schema=gtypes.Schema.model_validate(to_gemini_schema(schema)),
        )
        result = await self._client.aio.models.generate_content(
            model=self.model, contents=[gtypes.Content(role="user", parts=content)], config=config)
        return _response_text(result), _usage(result.usage_metadata)

    async def _open_answer_stream(self, system: str, user: str) -> AsyncIterator[gtypes.GenerateContentResponse]:
        return await self._client.aio.models.generate_content_stream(
            model=self.answer_model, contents=[gtypes.Content(role="user", parts=[_text(user)])],
            config=gtypes.GenerateContentConfig(system_instruction=system))

    def _read_chunk(self, chunk: gtypes.GenerateContentResponse) -> tuple[str | None, Usage | None]:
        return _response_text(chunk), (_usage(chunk.usage_metadata) if chunk.usage_metadata is not None else None)

    async def _embed_batch(self, batch: list[str]) -> tuple[list[list[float]], Usage]:
        contents: list[Any] = list(batch)
        result = await self._client.aio.models.embed_content(model=self.embedding_model, contents=contents)
        return [[float(x) for x in item.values or []] for item in result.embeddings or []], Usage(calls=1)

    def _classify(self, exc: BaseException) -> AIProviderError | None:
        return classify_gemini_error(exc)

    # -- chat with several system parts, images, tools ------------------------------------------------------------

    def _user_turn(self, text: str, images: Sequence[bytes]) -> list[Any]:
        parts = [_text(text), *(gtypes.Part.from_bytes(data=image, mime_type=image_mime(image)) for image in images)]
        return [gtypes.Content(role="user", parts=parts)]

    async def _open_chat_stream(self, system: list[str], text: str, images: Sequence[bytes],
                                model: str) -> AsyncIterator[gtypes.GenerateContentResponse]:
        return await self._client.aio.models.generate_content_stream(
            model=model, contents=self._user_turn(text, images),
            config=gtypes.GenerateContentConfig(system_instruction=_system(system)))

    async def _tool_request(self, system: list[str], turns: list[Any], tools: list[ToolSpec],
                            model: str) -> tuple[Any, ToolStep, Usage]:
        declarations = [gtypes.FunctionDeclaration(
            name=t.name, description=t.description,
            parameters=gtypes.Schema.model_validate(to_gemini_schema(t.parameters))) for t in tools]
        config = gtypes.GenerateContentConfig(
            system_instruction=_system(system), tools=[gtypes.Tool(function_declarations=declarations)],
            automatic_function_calling=gtypes.AutomaticFunctionCallingConfig(disable=True))
        result = await self._client.aio.models.generate_content(model=model, contents=turns, config=config)
        content = result.candidates[0].content if result.candidates else None
        if content is None:
            raise AIProviderError(ERR_AI_BAD_OUTPUT, "Gemini sent no candidate", provider=self.name)
        calls = [ToolCall(id=p.function_call.id or f"call-{i}", name=p.function_call.name or "",
                          arguments=dict(p.function_call.args or {}))
                 for i, p in enumerate(content.parts or []) if p.function_call is not None]
        return content, ToolStep(text=_response_text(result) or "", calls=calls), _usage(result.usage_metadata)

    def _tool_results(self, results: list[ToolResult]) -> list[Any]:
        parts = [gtypes.Part.from_function_response(name=r.call.name, response={"result": r.text}) for r in results]
        images = [image for r in results for image in r.images]
        parts += [gtypes.Part.from_bytes(data=image, mime_type=image_mime(image)) for image in images]
        return [gtypes.Content(role="user", parts=parts)]

    async def embed(self, texts: list[str]) -> list[Embedding]:
        vectors = await super().embed(texts)
        if len(vectors) != len(texts):
            raise AIProviderError(ERR_AI_BAD_OUTPUT, f"Gemini returned {len(vectors)} embeddings for "
                                  f"{len(texts)} texts", provider=self.name)
        return vectors

    # -- audio: a structured request with the audio inline --------------------------------------------

    async def transcribe(
        self, audio: bytes, *, mime_type: str, language: str | None = None, duration_s: float | None = None
    ) -> Transcript:
        parts = [gtypes.Part.from_bytes(data=audio, mime_type=mime_type.split(";")[0]),
                 _text(prompts.transcribe_instruction(language))]
        out = await self._structured("transcribe", None, parts, TRANSCRIBE_SCHEMA, TranscribeOut,
                                     audio_seconds=duration_s or 0.0)
        return Transcript(text=out.text.strip(), language=out.language or language, duration_s=duration_s or 0.0)


def _text(text: str) -> gtypes.Part:
    return gtypes.Part.from_text(text=text)


def _system(parts: list[str]) -> gtypes.Content:
    """System parts in their order, as one instruction of several parts."""
    return gtypes.Content(parts=[_text(part) for part in parts])


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
