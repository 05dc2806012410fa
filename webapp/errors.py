"""One place that turns domain errors and validation errors into `{"code", "message"}` bodies.

A code with a text in the apps' catalogs (the same text the bot shows) gets it as the message, in the language of
`Accept-Language` (English by default); other codes keep the error's own message."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from core.errors import DomainError, error_text, has_text
from core.i18n import LANGUAGES, translator


def request_language(request: Request) -> str:
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().split("-")[0].lower()
        if tag in LANGUAGES:
            return tag
    return "en"


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    t = translator(request_language(request))
    message = error_text(exc, t) if has_text(exc, t) else exc.message
    return JSONResponse(status_code=exc.status_code, content={"code": exc.code, "message": message})


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
    return JSONResponse(status_code=422, content={"code": "ERR_VALIDATION", "message": "invalid request",
                                                  "details": details})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
