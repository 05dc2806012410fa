"""The Bot API surface: `/bot{token}/{method}` and `/file/bot{token}/{file_path}`."""

from __future__ import annotations

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

import sandbox.methods  # noqa: F401  - registers every Bot API method
from sandbox.deps import get_sandbox
from sandbox.errors import ApiError
from sandbox.params import read_params
from sandbox.registry import execute

log = structlog.get_logger()
router = APIRouter()


@router.api_route("/bot{token}/{method}", methods=["GET", "POST"], include_in_schema=False)
async def bot_api(token: str, method: str, request: Request) -> JSONResponse:
    sandbox = get_sandbox(request)
    try:
        params = await read_params(request)
    except ApiError as exc:
        return JSONResponse(exc.body(), status_code=exc.error_code)
    try:
        status, body = await execute(sandbox, token, method, params, request)
    except Exception as exc:  # a sandbox bug must still answer like a server, not hang the bot
        # no traceback: its locals would carry the bot token
        log.error("sandbox.bot_api.failed", method=method, error=f"{type(exc).__name__}: {exc}"[:300])
        return JSONResponse({"ok": False, "error_code": 500, "description": "Internal Server Error"},
                            status_code=500)
    return JSONResponse(body, status_code=status)


@router.get("/file/bot{token}/{file_path:path}", include_in_schema=False)
async def download_file(token: str, file_path: str, request: Request) -> Response:
    sandbox = get_sandbox(request)
    try:
        sandbox.bot_from_token(token)
    except ApiError as exc:
        return JSONResponse(exc.body(), status_code=exc.error_code)
    rec = sandbox.state.file_by_path(file_path)
    content = sandbox.state.file_content(rec) if rec else None
    if rec is None or content is None:
        return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404)
    return Response(content, media_type=rec.mime_type or "application/octet-stream")
