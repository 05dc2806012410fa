"""A local fake of the OpenAI HTTP API (chat completions with SSE streaming and json_schema, audio
transcriptions, embeddings), served on 127.0.0.1 with a random port and hit by the real ``openai`` SDK.

Script it with :meth:`FakeServer.enqueue` (one :class:`Reply` per request, in order, whatever the endpoint)
or a ``handler``; with nothing scripted it answers something valid (an example instance of the requested
JSON schema). Every request is recorded in ``server.requests``.

    async def test_x(fake_openai: FakeOpenAI) -> None:
        fake_openai.enqueue(Reply.rate_limited(retry_after=1), Reply.ok({"kind": "task", ...}))
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import re
import struct
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from PIL import Image

FAKE_CHAT_TEXT = "This is a fake answer."
FAKE_TRANSCRIPT = "This is a fake transcript."


@dataclass
class Reply:
    """What the fake answers to one request."""

    status: int = 200
    content: Any = None  # model output (str, or an object sent as JSON), transcript text, or vectors
    body: bytes | None = None  # a raw HTTP body (e.g. malformed JSON) instead of the normal envelope
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # never answer (until the server stops): the client must time out
    usage: tuple[int, int] = (11, 7)  # input, output tokens reported
    audio_seconds: float | None = None  # transcription usage ("duration") reported
    error_code: str | None = None
    details: list[dict[str, Any]] = field(default_factory=list)  # Gemini error details
    stream_error: str | None = None  # a streamed reply stops after its first word with this error event
    tool_calls: list[dict[str, Any]] | None = None  # function calls instead of text: {"name", "arguments": {…}}

    @classmethod
    def ok(cls, content: Any, *, usage: tuple[int, int] = (11, 7), audio_seconds: float | None = None) -> Reply:
        return cls(content=content, usage=usage, audio_seconds=audio_seconds)

    @classmethod
    def rate_limited(cls, retry_after: float | str | None = 1, *, code: str | None = None,
                     retry_delay: str | None = None) -> Reply:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        details = ([{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}]
                   if retry_delay else [])
        return cls(status=429, headers=headers, error_code=code, details=details)

    @classmethod
    def error(cls, status: int = 500, *, code: str | None = None) -> Reply:
        return cls(status=status, error_code=code)

    @classmethod
    def hanging(cls) -> Reply:
        return cls(hang=True)

    @classmethod
    def malformed(cls, body: bytes = b'{"id": "chatcmpl-broken", "choices": [') -> Reply:
        return cls(body=body)


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # name -> (filename, type, data)
    images: list[bytes] = field(default_factory=list)  # the pictures a (vision) request carries, decoded


def example_for_schema(schema: dict[str, Any]) -> Any:
    """A small valid instance of a JSON Schema (lower-case types) or a Gemini Schema (upper-case types)."""
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    kind = str(kind).lower()
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        props = schema.get("properties", {})
        return {name: example_for_schema(sub) for name, sub in props.items()}
    if kind == "array":
        return [example_for_schema(schema.get("items", {"type": "string"}))]
    if kind in ("number", "integer"):
        return 1
    if kind == "boolean":
        return True
    return "example"


def fake_vector(text: str, dim: int = 8) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [round(b / 255.0, 4) for b in digest[:dim]]


def content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return json.dumps(content, ensure_ascii=False)


def images_in(body: Any) -> list[bytes]:
    """The pictures in a request body: OpenAI's ``image_url`` data URLs and Gemini's ``inlineData`` parts."""
    found: list[bytes] = []
    if isinstance(body, list):
        for item in body:
            found += images_in(item)
    elif isinstance(body, dict):
        url = (body.get("image_url") or {}).get("url", "") if isinstance(body.get("image_url"), dict) else ""
        inline = body.get("inlineData") or body.get("inline_data")
        if url.startswith("data:image/") and ";base64," in url:
            found.append(base64.b64decode(url.split(";base64,", 1)[1]))
        elif isinstance(inline, dict) and str(inline.get("mimeType", inline.get("mime_type", ""))).startswith("image/"):
            data = str(inline.get("data", ""))  # the google-genai SDK sends it URL-safe
            found.append(base64.urlsafe_b64decode(data.replace("+", "-").replace("/", "_") + "=" * (-len(data) % 4)))
        else:
            for value in body.values():
                found += images_in(value)
    return found


def is_picture(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        return True
    except Exception:  # whatever Pillow cannot decode
        return False


class FakeServer:
    """The aiohttp plumbing shared by the OpenAI and Gemini fakes."""

    prefix = ""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.replies: deque[Reply] = deque()
        self.handler: Callable[[Recorded], Reply | None] | None = None
        # when set, embedding requests are answered with it (a vector per text) and never take a queued reply
        self.embedder: Callable[[str], list[float]] | None = None
        # when set, a request with pictures (and no queued reply) is answered with what it returns for them: the
        # model's output, as a vision model would read the pictures
        self.vision: Callable[[list[bytes]], Any] | None = None
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def enqueue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        self.routes(app)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site.port

    async def stop(self) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _unknown(self, request: web.Request) -> web.Response:
        await self.record(request)
        return web.json_response({"error": {"code": 404, "message": f"no route {request.path}"}}, status=404)

    async def record(self, request: web.Request) -> Recorded:
        rec = Recorded(method=request.method, path=request.path, query=dict(request.query),
                       headers={k.lower(): v for k, v in request.headers.items()})
        ctype = request.content_type
        if ctype == "application/json":
            rec.json = await request.json()
            rec.images = images_in(rec.json)
        elif ctype.startswith("multipart/"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    rec.files[name] = (value.filename, value.content_type, value.file.read())
                else:
                    rec.form[name] = str(value)
        self.requests.append(rec)
        return rec

    async def next_reply(self, rec: Recorded) -> Reply:
        if self.embedder is not None and "mbed" in rec.path:
            return Reply()
        if not all(map(is_picture, rec.images)):  # the real APIs refuse an image they cannot decode, with a 400
            return Reply.error(400, code="invalid_image_format")
        reply: Reply | None = self.replies.popleft() if self.replies else None
        if reply is None and self.handler is not None:
            reply = self.handler(rec)
        if reply is None and self.vision is not None and rec.images:
            reply = Reply.ok(self.vision(rec.images))
        reply = reply or Reply()
        if reply.hang:
            await self._release.wait()
        return reply

    def requests_to(self, fragment: str) -> list[Recorded]:
        return [r for r in self.requests if fragment in r.path]


class FakeOpenAI(FakeServer):
    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/audio/transcriptions", self._transcriptions)
        app.router.add_post("/v1/embeddings", self._embeddings)

    @staticmethod
    def _error(reply: Reply) -> web.Response:
        kind = {429: "rate_limit_exceeded", 401: "invalid_api_key"}.get(reply.status, "server_error")
        body = {"error": {"message": f"fake error {reply.status}", "type": kind, "param": None,
                          "code": reply.error_code or kind}}
        return web.json_response(body, status=reply.status, headers=reply.headers)

    async def _prelude(self, request: web.Request) -> tuple[Recorded, Reply, web.StreamResponse | None]:
        rec = await self.record(request)
        reply = await self.next_reply(rec)
        if reply.hang:
            return rec, reply, web.json_response({"error": {"message": "released"}}, status=503)
        if reply.status != 200:
            return rec, reply, self._error(reply)
        if reply.body is not None:
            return rec, reply, web.Response(body=reply.body, content_type="application/json",
                                            headers=reply.headers)
        return rec, reply, None

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        rec, reply, early = await self._prelude(request)
        if early is not None:
            return early
        body = rec.json or {}
        model = body.get("model", "gpt-fake")
        if reply.content is None:
            fmt = body.get("response_format") or {}
            schema = (fmt.get("json_schema") or {}).get("schema")
            text = json.dumps(example_for_schema(schema)) if schema else FAKE_CHAT_TEXT
        else:
            text = content_text(reply.content)
        usage = {"prompt_tokens": reply.usage[0], "completion_tokens": reply.usage[1],
                 "total_tokens": sum(reply.usage)}
        created = int(time.time())
        if body.get("stream") and reply.stream_error:
            return await self._broken_stream(request, model, text, created, reply.stream_error)
        if body.get("stream"):
            return await self._stream(request, model, text, usage, created,
                                      bool((body.get("stream_options") or {}).get("include_usage")))
        message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
        if reply.tool_calls:
            message["content"] = None
            message["tool_calls"] = [{"id": f"call_{len(self.requests)}_{i}", "type": "function", "function": {
                "name": call["name"], "arguments": json.dumps(call.get("arguments", {}))}}
                for i, call in enumerate(reply.tool_calls)]
        return web.json_response({
            "id": "chatcmpl-fake", "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "finish_reason": "tool_calls" if reply.tool_calls else "stop", "logprobs": None,
                         "message": message}],
            "usage": usage,
        })

    async def _stream(self, request: web.Request, model: str, text: str, usage: dict[str, int], created: int,
                      include_usage: bool) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created, "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}

        events: list[dict[str, Any]] = [chunk({"role": "assistant", "content": ""})]
        events += [chunk({"content": piece}) for piece in re.findall(r"\S+\s*|\s+", text)]
        events.append(chunk({}, "stop"))
        if include_usage:
            events.append({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created,
                           "model": model, "choices": [], "usage": usage})
        for event in events:
            await resp.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp

    async def _broken_stream(self, request: web.Request, model: str, text: str, created: int,
                             error: str) -> web.StreamResponse:
        """The first word, then an error event (what OpenAI sends when a model fails after it began answering)."""
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        first = (re.findall(r"\S+\s*", text) or [""])[0]
        chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created, "model": model,
                 "choices": [{"index": 0, "delta": {"content": first}, "finish_reason": None, "logprobs": None}]}
        await resp.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
        body = {"error": {"message": error, "type": "server_error", "param": None, "code": "server_error"}}
        await resp.write(f"data: {json.dumps(body)}\n\n".encode())
        await resp.write_eof()
        return resp

    async def _transcriptions(self, request: web.Request) -> web.StreamResponse:
        rec, reply, early = await self._prelude(request)
        if early is not None:
            return early
        text = FAKE_TRANSCRIPT if reply.content is None else str(reply.content)
        fmt = rec.form.get("response_format", "json")
        if fmt == "text":
            return web.Response(text=text)
        payload: dict[str, Any] = {"text": text}
        if reply.audio_seconds is not None:
            payload["usage"] = {"type": "duration", "seconds": reply.audio_seconds}
        if fmt == "verbose_json":
            payload.update(task="transcribe", language=rec.form.get("language", "english"),
                           duration=reply.audio_seconds or 0.0, segments=[])
        return web.json_response(payload)

    async def _embeddings(self, request: web.Request) -> web.StreamResponse:
        rec, reply, early = await self._prelude(request)
        if early is not None:
            return early
        body = rec.json or {}
        inputs = body.get("input", [])
        if isinstance(inputs, str):
            inputs = [inputs]
        embed = self.embedder or fake_vector
        vectors = reply.content if reply.content is not None else [embed(str(t)) for t in inputs]
        as_b64 = body.get("encoding_format") == "base64"
        data = []
        for i, vec in enumerate(vectors):
            emb: Any = base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode() if as_b64 else vec
            data.append({"object": "embedding", "index": i, "embedding": emb})
        return web.json_response({"object": "list", "data": data, "model": body.get("model", "fake-embed"),
                                  "usage": {"prompt_tokens": reply.usage[0], "total_tokens": reply.usage[0]}})


@pytest.fixture
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    server = FakeOpenAI()
    async with server:
        yield server
