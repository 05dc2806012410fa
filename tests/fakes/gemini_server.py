"""A local fake of the Gemini API (``/v1beta/models/{model}:generateContent``, ``:streamGenerateContent?alt=sse``,
``:embedContent``, ``:batchEmbedContents``), hit by the real ``google-genai`` SDK over loopback.

Scripted like the OpenAI fake (see ``tests.fakes.openai_server``): ``enqueue(Reply...)``, ``handler``,
``requests``. With nothing scripted a JSON request gets an example instance of its ``responseSchema``.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web

from tests.fakes.openai_server import (
    FAKE_CHAT_TEXT,
    FakeServer,
    Recorded,
    Reply,
    content_text,
    example_for_schema,
    fake_vector,
)

_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
           429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}


class FakeGemini(FakeServer):
    @property
    def base_url(self) -> str:
        return self.url

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1beta/models/{target}", self._dispatch)
        app.router.add_post("/v1/models/{target}", self._dispatch)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        model, _, method = request.match_info["target"].partition(":")
        rec = await self.record(request)
        reply = await self.next_reply(rec)
        if reply.hang:
            return web.json_response({"error": {"code": 503, "message": "released"}}, status=503)
        if reply.status != 200:
            return self._error(reply)
        if reply.body is not None:
            return web.Response(body=reply.body, content_type="application/json", headers=reply.headers)
        if method == "generateContent":
            return web.json_response(self._generate(model, rec, reply))
        if method == "streamGenerateContent":
            return await self._stream(request, model, rec, reply)
        if method == "embedContent":
            return web.json_response({"embedding": {"values": self._vectors(rec, reply, self.embedder)[0]}})
        if method == "batchEmbedContents":
            return web.json_response({"embeddings": [{"values": v}
                                                     for v in self._vectors(rec, reply, self.embedder)]})
        return web.json_response({"error": {"code": 404, "message": f"unknown method {method}",
                                            "status": "NOT_FOUND"}}, status=404)

    @staticmethod
    def _error(reply: Reply) -> web.Response:
        error: dict[str, Any] = {"code": reply.status, "message": f"fake error {reply.status}",
                                 "status": _STATUS.get(reply.status, "UNKNOWN")}
        if reply.details:
            error["details"] = reply.details
        if reply.error_code:
            error.setdefault("details", []).append({"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                                    "reason": reply.error_code})
        return web.json_response({"error": error}, status=reply.status, headers=reply.headers)

    @staticmethod
    def _text(rec: Recorded, reply: Reply) -> str:
        if reply.content is not None:
            return content_text(reply.content)
        config = (rec.json or {}).get("generationConfig") or {}
        schema = config.get("responseSchema") or config.get("responseJsonSchema")
        return json.dumps(example_for_schema(schema)) if schema else FAKE_CHAT_TEXT

    @staticmethod
    def _response(model: str, text: str, finish: str | None, usage: dict[str, int] | None) -> dict[str, Any]:
        candidate: dict[str, Any] = {"content": {"role": "model", "parts": [{"text": text}]}, "index": 0}
        if finish:
            candidate["finishReason"] = finish
        body: dict[str, Any] = {"candidates": [candidate], "modelVersion": model, "responseId": "fake-response"}
        if usage:
            body["usageMetadata"] = usage
        return body

    @staticmethod
    def _usage(reply: Reply) -> dict[str, int]:
        return {"promptTokenCount": reply.usage[0], "candidatesTokenCount": reply.usage[1],
                "totalTokenCount": sum(reply.usage)}

    def _generate(self, model: str, rec: Recorded, reply: Reply) -> dict[str, Any]:
        if reply.tool_calls:  # function calls instead of text
            body = self._response(model, "", "STOP", self._usage(reply))
            calls = [{"functionCall": {"name": c["name"], "args": c.get("arguments", {})}} for c in reply.tool_calls]
            body["candidates"][0]["content"]["parts"] = calls
            return body
        return self._response(model, self._text(rec, reply), "STOP", self._usage(reply))

    async def _stream(self, request: web.Request, model: str, rec: Recorded, reply: Reply) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        pieces = re.findall(r"\S+\s*|\s+", self._text(rec, reply)) or [""]
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            event = self._response(model, piece, "STOP" if last else None, self._usage(reply) if last else None)
            await resp.write(f"data: {json.dumps(event, ensure_ascii=False)}\r\n\r\n".encode())
        await resp.write_eof()
        return resp

    @staticmethod
    def _vectors(rec: Recorded, reply: Reply, embedder: Callable[[str], list[float]] | None = None
                 ) -> list[list[float]]:
        if reply.content is not None:
            return list(reply.content)
        body = rec.json or {}
        requests = body.get("requests") or [body]
        texts = [" ".join(p.get("text", "") for p in (r.get("content") or {}).get("parts", [])) for r in requests]
        return [(embedder or fake_vector)(t) for t in texts]


@pytest.fixture
async def fake_gemini() -> AsyncIterator[FakeGemini]:
    server = FakeGemini()
    async with server:
        yield server
