"""GET /openapi.json tells the truth: the security schemes the routes check, the one error body, and only the error
statuses a route can give; and every error answer really has that body."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from core.runtime import Runtime
from webapp.app import create_app

USER_SCHEMES: list[dict[str, list[str]]] = [{"MiniAppInitData": []}, {"AccessToken": []}]
ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    r = await client.get("/openapi.json")
    assert r.status_code == 200
    body: dict[str, Any] = r.json()
    return body


def operation(document: dict[str, Any], label: str) -> dict[str, Any]:
    method, path = label.split(" ")
    op: dict[str, Any] = document["paths"][path][method.lower()]
    return op


def statuses(document: dict[str, Any], label: str) -> list[str]:
    return list(operation(document, label)["responses"])


def api_v1(document: dict[str, Any]) -> list[str]:
    return [f"{method.upper()} {path}" for path, ops in document["paths"].items() if path.startswith("/api/v1/")
            for method in ops]


class TestSecurity:
    async def test_schemes_say_which_header_carries_what(self, document: dict[str, Any]) -> None:
        schemes = document["components"]["securitySchemes"]
        assert schemes["MiniAppInitData"] | {"description": ""} == {
            "type": "apiKey", "in": "header", "name": "Authorization", "description": ""}
        assert schemes["AccessToken"]["type"] == "http" and schemes["AccessToken"]["scheme"] == "bearer"
        assert schemes["AccessToken"]["bearerFormat"] == "JWT"
        assert schemes["AdminToken"]["type"] == "http" and schemes["AdminToken"]["scheme"] == "bearer"
        assert schemes["TelegramSecretToken"] | {"description": ""} == {
            "type": "apiKey", "in": "header", "name": "X-Telegram-Bot-Api-Secret-Token", "description": ""}

    async def test_every_api_route_takes_init_data_or_an_access_token_and_may_answer_401(
            self, document: dict[str, Any]) -> None:
        labels = api_v1(document)
        assert "GET /api/v1/me" in labels and "POST /api/v1/import" in labels
        for label in labels:
            assert operation(document, label)["security"] == USER_SCHEMES, label
            assert operation(document, label)["responses"]["401"]["content"]["application/json"]["schema"] == ERROR

    async def test_admin_and_webhook_name_their_secrets(self, document: dict[str, Any]) -> None:
        assert operation(document, "GET /admin/stats")["security"] == [{"AdminToken": []}]
        assert statuses(document, "GET /admin/stats") == ["200", "401", "404"]
        assert operation(document, "POST /telegram/webhook")["security"] == [{"TelegramSecretToken": []}]
        assert statuses(document, "POST /telegram/webhook") == ["200", "400", "401", "403", "404", "413", "503"]

    async def test_auth_routes_need_no_credentials(self, document: dict[str, Any]) -> None:
        for label in ("POST /auth/exchange", "POST /auth/refresh", "POST /auth/logout"):
            assert "security" not in operation(document, label)


class TestErrorStatuses:
    async def test_the_error_body_is_a_component_and_fastapis_own_is_gone(self, document: dict[str, Any]) -> None:
        schemas = document["components"]["schemas"]
        assert schemas["Error"]["required"] == ["code", "message"]
        assert set(schemas["Error"]["properties"]) == {"code", "message", "details"}
        assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
        for path, ops in document["paths"].items():
            for method, op in ops.items():
                for status, response in op["responses"].items():
                    if status.startswith(("4", "5")) and "content" in response:
                        assert response["content"]["application/json"]["schema"] == ERROR, (method, path, status)

    @pytest.mark.parametrize(("label", "expected"), [
        ("GET /api/v1/me", ["200", "401"]),
        ("GET /api/v1/types", ["200", "401"]),  # q may be any text: no 422
        ("POST /api/v1/types", ["201", "400", "401", "409", "413", "422"]),
        ("GET /api/v1/types/{type_id}", ["200", "401", "404", "422"]),
        ("POST /api/v1/types/{type_id}/add", ["200", "400", "401", "404", "413", "422"]),
        ("POST /api/v1/types/{type_id}/move", ["200", "400", "401", "404", "413", "422"]),
        ("GET /api/v1/types/{type_id}/history", ["200", "401", "404", "422"]),
        ("GET /api/v1/export", ["200", "401"]),
        ("POST /api/v1/import", ["200", "400", "401", "409"]),  # its own size limit: 400 ERR_IMPORT_TOO_LARGE
        ("POST /auth/exchange", ["200", "401", "413", "422"]),
        ("POST /auth/refresh", ["200", "401", "413", "422"]),
        ("POST /auth/logout", ["200", "413", "422"]),
    ])
    async def test_each_route_lists_what_it_can_answer(self, document: dict[str, Any], label: str,
                                                       expected: list[str]) -> None:
        assert statuses(document, label) == expected


class TestErrorBodies:
    async def test_a_body_that_is_not_utf8_is_a_validation_error(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/auth/exchange", content=b'{"static_token": "\xff\xfe\xfd"}',
                              headers={"Content-Type": "application/json"})
        assert r.status_code == 422
        assert r.json() == {"code": "ERR_VALIDATION", "message": "invalid request",
                            "details": [{"loc": ["body"], "msg": "the body is not UTF-8 JSON"}]}

    async def test_the_admin_token_is_refused_with_the_error_body(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/admin/stats", headers={"Authorization": "Bearer nope"})
        assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
        assert r.json() == {"code": "ERR_UNAUTHORIZED", "message": "admin token required"}

    async def test_an_unknown_path_is_404_with_the_error_body(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/nothing-here")
        assert r.status_code == 404 and r.json() == {"code": "ERR_NOT_FOUND", "message": "Not Found"}

    async def test_a_webhook_that_is_off_is_404_with_the_error_body(self, runtime: Runtime) -> None:
        runtime.settings = runtime.settings.model_copy(update={"webhook_secret": "", "sandbox": False})
        app: FastAPI = create_app(runtime.settings, runtime=runtime, run_migrations=False)
        app.state.runtime = runtime
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.post("/telegram/webhook", json={"update_id": 1})
        assert r.status_code == 404 and r.json()["code"] == "ERR_NOT_FOUND"
