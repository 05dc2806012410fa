"""Request-body limits per path, enforced before a body is read: a declared Content-Length above the limit is refused
at once, and a streamed (chunked) body is counted as it arrives and refused as soon as it passes the limit. Either way
the answer is 413 with `{"code": "ERR_BODY_TOO_LARGE", "message"}`.

Mounted apps (the Mini App's files, the sandbox Telegram) and paths given no limit (the Minis import, which counts its
own bytes against its own limit) are passed through untouched."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.config import Settings

UPLOAD_OVERHEAD = 64 * 1024  # multipart headers and boundaries around an uploaded file
Limits = Sequence[tuple[str, int | None]]  # (path prefix, bytes or None for no limit), the first match wins


def route_limits(settings: Settings) -> Limits:
    """The paths with a limit of their own; every other path of the app has API_MAX_BODY_BYTES."""
    return [
        ("/telegram/webhook", settings.webhook_max_body_bytes),
        ("/api/v1/import", None),  # webapp/api/v1/minis.py `_import_body`: MAX_IMPORT_BYTES → ERR_IMPORT_TOO_LARGE
        ("/api/v1/files/upload", settings.documents_max_bytes + UPLOAD_OVERHEAD),  # a file and its multipart wrapping
        ("/api/v1/transcribe", settings.asr_max_bytes + UPLOAD_OVERHEAD),  # core/stt/upload.py counts the file itself
        ("/api/v1/entries/import", settings.journal_import_max_bytes),  # a whole journal export
        ("/api/v1/ai/analyze", settings.journal_photo_max_bytes + UPLOAD_OVERHEAD),  # a photo (or a text, a link)
        ("/api/v1/attachments", settings.journal_photo_max_bytes + UPLOAD_OVERHEAD),  # a photo for an entry
    ]


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limits: Limits, default: int, routes: Sequence[BaseRoute] = ()) -> None:
        self.app = app
        self.limits = limits
        self.default = default
        self.routes = routes  # the app's routes, read per request: a mount added after create_app is seen too

    def limit_for(self, path: str) -> int | None:
        for prefix, limit in self.limits:
            if _under(path, prefix):
                return limit
        if any(isinstance(route, Mount) and _under(path, route.path) for route in self.routes):
            return None
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope["path"]) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # the app turned the interrupted read into an answer of its own (FastAPI: 400): ours wins
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            if started:
                raise
        if exceeded and not started:
            await _too_large(limit)(scope, receive, send)


def _under(path: str, prefix: str) -> bool:
    prefix = prefix.rstrip("/")
    return path == prefix or path.startswith(prefix + "/")


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse({"code": "ERR_BODY_TOO_LARGE", "message": f"the request body is larger than {limit} bytes"},
                        status_code=413)
