"""The sandbox FastAPI application: Bot API emulator, control API and the web chat page.

`create_sandbox_app()` is what the main web app mounts at `/sandbox`; `run_standalone()` serves it alone
(`secretary sandbox --port P`) at both `/` (for bots: `TELEGRAM_API_BASE=http://127.0.0.1:P`) and `/sandbox`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from sandbox import botapi, control
from sandbox.errors import ApiError
from sandbox.logfilter import install_token_redaction
from sandbox.service import CALLBACK_TIMEOUT, Sandbox

STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_STATE_FILE = Path("data") / "sandbox.sqlite3"


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return control.api_error_response(exc)


def create_sandbox_app(state_file: Path | None = None, *, flood_limits: bool = False,
                       webapp_url_base: str = "", signs_init_data: bool = True, local_webhooks: bool = False,
                       open_chats: bool = False, callback_timeout: float = CALLBACK_TIMEOUT) -> FastAPI:
    """The sandbox app. Its state (`app.state.sandbox`) lives in `state_file` (SQLite) or in memory.

    `signs_init_data=False` turns off the Mini App launch data endpoint: the host passes it when the bot talks to the
    sandbox with a real token, which the sandbox must never sign for (anyone could then sign in as anyone).

    When mounted into another app its lifespan does not run: it starts lazily on the first request, and the
    host should `await app.state.sandbox.aclose()` on shutdown.

    `local_webhooks`, `open_chats` and `callback_timeout` loosen the sandbox where Telegram is strict (see
    `sandbox.service.Options`): a host whose bot sets a webhook on a local address needs `local_webhooks=True`.
    """
    sandbox = Sandbox(state_file, flood_limits=flood_limits, webapp_url_base=webapp_url_base,
                      local_webhooks=local_webhooks, open_chats=open_chats, callback_timeout=callback_timeout)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        sandbox.start()
        yield
        await sandbox.aclose()

    app = FastAPI(title="Secretary Telegram sandbox", lifespan=lifespan, redoc_url=None)
    app.state.sandbox = sandbox
    app.state.signs_init_data = signs_init_data
    app.add_exception_handler(ApiError, _api_error)
    app.include_router(botapi.router)
    app.include_router(control.router)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/telegram-web-app.js", include_in_schema=False)
    async def telegram_web_app_js() -> FileResponse:
        return FileResponse(STATIC_DIR / "telegram-web-app.js", media_type="application/javascript")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def create_standalone_app(state_file: Path | None = DEFAULT_STATE_FILE, *, flood_limits: bool = False,
                          webapp_url_base: str = "", local_webhooks: bool = False, open_chats: bool = False,
                          callback_timeout: float = CALLBACK_TIMEOUT) -> FastAPI:
    """The sandbox served at both `/` and `/sandbox`, with its lifespan managed."""
    inner = create_sandbox_app(state_file, flood_limits=flood_limits, webapp_url_base=webapp_url_base,
                               local_webhooks=local_webhooks, open_chats=open_chats,
                               callback_timeout=callback_timeout)
    sandbox: Sandbox = inner.state.sandbox

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        sandbox.start()
        yield
        await sandbox.aclose()

    outer = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    outer.state.sandbox = sandbox

    @outer.get("/sandbox", include_in_schema=False)
    async def to_page() -> RedirectResponse:
        return RedirectResponse("/sandbox/")

    outer.mount("/sandbox", inner)
    outer.mount("/", inner)
    return outer


def run_standalone(port: int, host: str = "127.0.0.1", state_file: Path | None = DEFAULT_STATE_FILE, *,
                   flood_limits: bool = False, webapp_url_base: str = "", log_level: str = "info",
                   local_webhooks: bool = False, open_chats: bool = False) -> None:
    """Serve the sandbox alone until interrupted (what `secretary sandbox --port P` runs)."""
    app = create_standalone_app(state_file, flood_limits=flood_limits, webapp_url_base=webapp_url_base,
                                local_webhooks=local_webhooks, open_chats=open_chats)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=3)
    install_token_redaction()  # after uvicorn configured its loggers: access lines carry /bot<token>/ paths
    uvicorn.Server(config).run()
