"""One place that turns domain errors, validation errors and HTTP errors into `{"code", "message"}` bodies.

A code with a text in the apps' catalogs (the same text the bot shows) gets it as the message, in the language of
`Accept-Language` (English by default); other codes keep the error's own message."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

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
    return _invalid([{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()])


def _invalid(details: list[dict[str, object]]) -> JSONResponse:
    return JSONResponse(status_code=422, content={"code": "ERR_VALIDATION", "message": "invalid request",
                                                  "details": details})


_HTTP_CODES = {401: "ERR_UNAUTHORIZED", 403: "ERR_FORBIDDEN", 404: "ERR_NOT_FOUND", 405: "ERR_METHOD_NOT_ALLOWED"}


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    """An HTTPException (an unknown path, a route that is off, the admin token) in the same body as the rest."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):  # FastAPI could not decode the JSON body
        return _invalid([{"loc": ["body"], "msg": "the body is not UTF-8 JSON"}])  # like a JSON syntax error
    code = _HTTP_CODES.get(exc.status_code, f"ERR_HTTP_{exc.status_code}")
    return JSONResponse(status_code=exc.status_code, content={"code": code, "message": str(exc.detail)},
                        headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
