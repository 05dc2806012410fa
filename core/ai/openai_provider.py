"""OpenAI through the official AsyncOpenAI SDK: strict JSON-schema chat completions, streaming, Whisper, embeddings."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any, Unpack

import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageFunctionToolCall

from core.ai.base import PHOTO_ONLY, CloudOptions, CloudProvider
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
from core.ai.retry import call_with_retries, parse_retry_after
from core.ai.schemas import JsonSchema
from core.ai.tools import ToolCall, ToolResult, ToolSpec, ToolStep
from core.ai.types import Operation, Transcript, Usage

DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small"
EMBED_BATCH = 256


class OpenAIProvider(CloudProvider):
    """Chat completions with a strict JSON schema; audio goes to the separate transcription (Whisper) endpoint."""

    name = "openai"
    max_audio_bytes = 25 * 1024 * 1024
    embed_batch = EMBED_BATCH
    settings_fields = {"api_key": "openai_api_key", "base_url": "openai_base_url", "model": "openai_model",
                       "stt_model": "openai_stt_model", "embedding_model": "openai_embedding_model"}

    def __init__(self, api_key: str, *, model: str = "gpt-4o-mini", stt_model: str = "whisper-1",
                 embedding_model: str = DEFAULT_EMBEDDING_MODEL, **options: Unpack[CloudOptions]) -> None:
        super().__init__(api_key, model=model, embedding_model=embedding_model, **options)
        self.stt_model = stt_model

    def _connect(self, api_key: str, *, base_url: str | None, timeout: float) -> None:
        self._client = AsyncOpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)

    async def aclose(self) -> None:
        await self._client.close()

    # -- wire format ----------------------------------------------------------------------------------

    def _text_content(self, text: str) -> str:
        return text

    def _analyze_content(self, text: str, image: bytes | None) -> str | list[dict[str, Any]]:
        if image is None:
            return text
        data_url = f"data:{image_mime(image)};base64,{base64.b64encode(image).decode()}"
        return [{"type": "text", "text": text or PHOTO_ONLY}, {"type": "image_url", "image_url": {"url": data_url}}]

    async def _ask_json(self, operation: Operation, system: str | None, content: Any,
                        schema: JsonSchema) -> tuple[str | None, Usage]:
        result = await self._client.chat.completions.create(  # type: ignore[call-overload]
            model=self.model,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": content}],
            response_format={"type": "json_schema",
                             "json_schema": {"name": operation, "strict": True, "schema": schema}},
        )
        usage = _usage(result.usage) if result.usage else Usage(calls=1)
        if not result.choices:
            return None, usage
        message = result.choices[0].message
        return (None if message.refusal else message.content), usage

    async def _open_answer_stream(self, system: str, user: str) -> AsyncIterator[Any]:
        return await self._client.chat.completions.create(  # type: ignore[call-overload,no-any-return]
            model=self.answer_model,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            stream=True,
            stream_options={"include_usage": True},
        )

    def _read_chunk(self, chunk: Any) -> tuple[str | None, Usage | None]:
        piece = "".join(choice.delta.content for choice in chunk.choices if choice.delta.content)
        return piece, (_usage(chunk.usage) if chunk.usage is not None else None)

    async def _embed_batch(self, batch: list[str]) -> tuple[list[list[float]], Usage]:
        result = await self._client.embeddings.create(model=self.embedding_model, input=batch,
                                                      encoding_format="float")
        usage = Usage(input_tokens=result.usage.prompt_tokens if result.usage else 0, calls=1)
        return [[float(x) for x in item.embedding] for item in sorted(result.data, key=lambda d: d.index)], usage

    def _classify(self, exc: BaseException) -> AIProviderError | None:
        return classify_openai_error(exc)

    # -- chat with several system parts, images, tools ------------------------------------------------------------

    def _user_turn(self, text: str, images: Sequence[bytes]) -> list[Any]:
        if not images:
            return [{"role": "user", "content": text}]
        return [{"role": "user", "content": [{"type": "text", "text": text}, *map(_image_part, images)]}]

    async def _open_chat_stream(self, system: list[str], text: str, images: Sequence[bytes],
                                model: str) -> AsyncIterator[Any]:
        return await self._client.chat.completions.create(  # type: ignore[call-overload,no-any-return]
            model=model, messages=[*_system(system), *self._user_turn(text, images)], stream=True,
            stream_options={"include_usage": True})

    async def _tool_request(self, system: list[str], turns: list[Any], tools: list[ToolSpec],
                            model: str) -> tuple[Any, ToolStep, Usage]:
        messages: list[Any] = [*_system(system), *turns]
        result = await self._client.chat.completions.create(  # type: ignore[call-overload]
            model=model, messages=messages,
            tools=[{"type": "function", "function": {"name": t.name, "description": t.description,
                                                     "parameters": t.parameters}} for t in tools])
        usage = _usage(result.usage) if result.usage else Usage(calls=1)
        if not result.choices:
            raise AIProviderError(ERR_AI_BAD_OUTPUT, "OpenAI sent no choice", provider=self.name)
        message = result.choices[0].message
        calls = [ToolCall(id=c.id, name=c.function.name, arguments=_arguments(c.function.arguments))
                 for c in message.tool_calls or [] if isinstance(c, ChatCompletionMessageFunctionToolCall)]
        turn: dict[str, Any] = {"role": "assistant", "content": message.content or ""}
        if calls:
            turn["tool_calls"] = [{"id": c.id, "type": "function",
                                   "function": {"name": c.name, "arguments": json.dumps(c.arguments)}} for c in calls]
        return turn, ToolStep(text=message.content or "", calls=calls), usage

    def _tool_results(self, results: list[ToolResult]) -> list[Any]:
        turns: list[Any] = [{"role": "tool", "tool_call_id": r.call.id, "content": r.text} for r in results]
        images = [image for r in results for image in r.images]
        if images:  # a tool message carries text only: the images follow as the user's
            turns.append({"role": "user", "content": [{"type": "text", "text": "The images the tools returned."},
                                                      *map(_image_part, images)]})
        return turns

    # -- audio: the Whisper endpoint ------------------------------------------------------------------

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

        started = time.perf_counter()
        result = await call_with_retries(op, classify=self._classify, policy=self._retry, what="transcribe")
        seconds = duration_s or 0.0
        usage = Usage(calls=1)
        raw_usage = getattr(result, "usage", None)
        if raw_usage is not None:
            if getattr(raw_usage, "type", "") == "duration":
                seconds = float(raw_usage.seconds)
            else:
                usage = Usage(input_tokens=raw_usage.input_tokens, output_tokens=raw_usage.output_tokens, calls=1)
        await self._emit("transcribe", self.stt_model, usage, audio_seconds=seconds, started=started)
        return Transcript(text=(result.text or "").strip(), language=language, duration_s=seconds)


def _system(parts: list[str]) -> list[dict[str, str]]:
    return [{"role": "system", "content": part} for part in parts]


def _image_part(image: bytes) -> dict[str, Any]:
    return {"type": "image_url",
            "image_url": {"url": f"data:{image_mime(image)};base64,{base64.b64encode(image).decode()}"}}


def _arguments(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


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
    if isinstance(exc, openai.APIError):  # an error event inside a stream that had begun (HTTP 200): overloaded…
        return AIProviderError(ERR_AI_UNAVAILABLE, f"OpenAI failed mid-stream: {exc.message}", provider=p,
                               retryable=True)
    return None
