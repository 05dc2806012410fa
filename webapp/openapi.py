"""The OpenAPI document (GET /openapi.json) tells the truth: the one error body, and every status a route can answer.

FastAPI infers the success bodies, the security schemes (webapp/deps.py) and which routes validate their input. What it
cannot see is added here, each from the code that causes it:

- the error body of webapp/errors.py (`Error`), also on the 422 that FastAPI would describe as its own `{"detail"}`;
- 401 on every operation that takes the API's credentials (the `CurrentUser` dependency of webapp/deps.py);
- 413 on every operation whose body the body-limit middleware guards (webapp/limits.py);
- 400 on every operation that takes a multipart body: Starlette's parser refuses a malformed one before the route
  runs (`ERR_HTTP_400`, "Invalid multipart data").

Errors particular to a route (400, 404, 409, …) are declared with the route: `responses=errors({404: "…"})`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field
from pydantic.json_schema import JsonDict, SkipJsonSchema

from webapp.deps import USER_SCHEMES

REF = "#/components/schemas/"
BAD_MULTIPART = "ERR_HTTP_400: the multipart body cannot be parsed (a broken boundary or part header)"


def _absent_not_null(schema: JsonDict) -> None:
    schema.pop("default", None)  # `details` is left out, never null


class ErrorDetail(BaseModel):
    loc: list[str | int] = Field(description='where the value is, e.g. ["body", "qty"]')
    msg: str


class Error(BaseModel):
    """Every error answer: a stable code and a message for people."""

    code: str = Field(description="stable and machine-readable, e.g. ERR_NOT_FOUND", examples=["ERR_NOT_FOUND"])
    message: str = Field(description="for people: the code's text in the caller's Accept-Language when there is one")
    details: list[ErrorDetail] | SkipJsonSchema[None] = Field(
        default=None, description="ERR_VALIDATION only: each invalid value",
        json_schema_extra=_absent_not_null,
    )


UNAUTHORIZED = "ERR_UNAUTHORIZED: missing, malformed, expired or forged credentials"
TOO_LARGE = "ERR_BODY_TOO_LARGE: the body is larger than this route takes"
INVALID = "ERR_VALIDATION: a parameter or the body does not match this document; `details` says where"


def errors(descriptions: Mapping[int, str]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route's own error statuses, each with the error body."""
    return {status: {"model": Error, "description": text} for status, text in descriptions.items()}


def install_openapi(app: FastAPI, limit_for: Callable[[str], int | None]) -> None:
    """Complete the app's generated document (still generated lazily, and again when routes are added)."""
    generate = app.openapi
    done: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        document = generate()
        if not done or done[0] is not document:
            complete(document, limit_for)
            done[:] = [document]
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def complete(document: dict[str, Any], limit_for: Callable[[str], int | None]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    error_ref = {"$ref": REF + Error.__name__}
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:  # FastAPI's guess: every route with a body or a parameter
                responses["422"] = {"description": INVALID, "content": {"application/json": {"schema": error_ref}}}
                if "requestBody" not in operation and not any(map(_can_be_invalid, operation.get("parameters", ()))):
                    del responses["422"]
            if any(USER_SCHEMES & set(requirement) for requirement in operation.get("security", ())):
                responses.setdefault("401", {"description": UNAUTHORIZED,
                                             "content": {"application/json": {"schema": error_ref}}})
            if "requestBody" in operation and limit_for(path) is not None:
                responses.setdefault("413", {"description": TOO_LARGE,
                                             "content": {"application/json": {"schema": error_ref}}})
            if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
                responses.setdefault("400", {"description": BAD_MULTIPART,
                                             "content": {"application/json": {"schema": error_ref}}})
            operation["responses"] = dict(sorted(responses.items()))
    if Error.__name__ not in schemas:
        schemas.update(_error_schemas())
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422 body, which this app never answers
        schemas.pop(unused, None)
    document["components"]["schemas"] = dict(sorted(schemas.items()))


def _can_be_invalid(parameter: Mapping[str, Any]) -> bool:
    """Whether some request fails this parameter's validation: not so for any text when it may be left out or is a
    path segment (without one the route does not match)."""
    optional = not parameter.get("required", False) or parameter.get("in") == "path"
    return not (optional and _any_text(parameter.get("schema", {})))


def _any_text(schema: Mapping[str, Any]) -> bool:
    constraints = {key: value for key, value in schema.items() if key not in ("title", "description", "default")}
    if list(constraints) == ["anyOf"]:
        return all(alt == {"type": "null"} or _any_text(alt) for alt in constraints["anyOf"])
    return constraints == {"type": "string"}


def _error_schemas() -> dict[str, Any]:
    schema = Error.model_json_schema(ref_template=REF + "{model}")
    return {Error.__name__: schema, **schema.pop("$defs", {})}
