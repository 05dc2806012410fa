"""Prompts in the database and the settings: the migration seeds the shipped prompts; admins add versions, activate
and roll back (ADMIN_TOKEN), and the next answer uses the active version; users pick a role and a model profile;
the operator's system settings take effect."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core.db import migrate
from core.db.engine import make_engine
from core.documents.defaults import ROLE_PROMPTS, SYSTEM_PROMPTS
from core.documents.models import RolePrompt, SystemPrompt
from core.runtime import Runtime
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.integration.documents.conftest import serving, upload
from tests.integration.documents.documents_helpers import ask, chat_with
from tests.support.documents import facts_pdf

ADMIN = {"Authorization": "Bearer test-admin-token"}  # tests/conftest.py settings


@pytest.fixture
async def fresh_engine(engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database migrated to head: a SQLite file, or a PostgreSQL schema of its own."""
    if engine.dialect.name != "postgresql":
        scratch = make_engine(f"sqlite+aiosqlite:///{(tmp_path / 'seed.db').as_posix()}", null_pool=True)
        await migrate.upgrade(scratch)
        yield scratch
        await scratch.dispose()
        return
    schema = f"seed_{uuid.uuid4().hex[:8]}"
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scratch = create_async_engine(engine.url, connect_args={"server_settings": {"search_path": schema}})
    try:
        await migrate.upgrade(scratch)
        yield scratch
    finally:
        await scratch.dispose()
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


class TestSeed:
    async def test_the_migration_seeds_the_shipped_prompts_active(self, fresh_engine: AsyncEngine) -> None:
        async with fresh_engine.connect() as conn:
            system = (await conn.execute(select(SystemPrompt.name, SystemPrompt.content, SystemPrompt.version,
                                                SystemPrompt.is_active))).all()
            roles = (await conn.execute(select(RolePrompt.name, RolePrompt.content, RolePrompt.is_active))).all()
        assert {(n, c, v, a) for n, c, v, a in system} == {(n, c, 1, True) for n, (_, c) in SYSTEM_PROMPTS.items()}
        assert {(n, c, a) for n, c, a in roles} == {(n, c, True) for n, (_, c) in ROLE_PROMPTS.items()}


@pytest.fixture
async def fake_openai(runtime: Runtime) -> AsyncIterator[FakeOpenAI]:
    async with serving(runtime, FakeOpenAI(), "openai", openai_api_key="sk-platform") as server:
        yield server


class TestSystemPromptVersions:
    async def test_a_new_version_is_used_and_a_rollback_restores_the_old(self, client: httpx.AsyncClient,
                                                                        fake_openai: FakeOpenAI) -> None:
        chat_id, _ = await chat_with(client, facts_pdf())
        response = await client.post("/admin/prompts/system", headers=ADMIN, json={
            "name": "llm_system", "content": "Новая стратегия v2.", "description": "v2"})
        assert response.status_code == 201 and response.json()["is_active"]
        v2 = response.json()["version"]  # 2 after the migration's seed; the test tables are emptied between tests
        fake_openai.enqueue(Reply.ok("Ответ [1]."))
        await ask(client, chat_id, "Какой гарантийный срок на насосы?")
        assert fake_openai.requests[-1].json["messages"][0]["content"] == "Новая стратегия v2."

        await client.post("/admin/prompts/system", headers=ADMIN, json={
            "name": "llm_system", "content": "Черновик v3.", "activate": False})
        versions = (await client.get("/admin/prompts/system", headers=ADMIN, params={"name": "llm_system"})).json()
        assert [(v["version"], v["is_active"]) for v in versions][-2:] == [(v2, True), (v2 + 1, False)]

        response = await client.patch("/admin/prompts/system", headers=ADMIN, json={"name": "llm_system",
                                                                                   "version": v2 + 1})
        assert response.json()["is_active"] is True
        fake_openai.enqueue(Reply.ok("Ответ [1]."))
        await ask(client, chat_id, "Какой штраф за просрочку поставки?")
        assert fake_openai.requests[-1].json["messages"][0]["content"] == "Черновик v3."

        await client.patch("/admin/prompts/system", headers=ADMIN, json={"name": "llm_system", "version": v2})
        versions = (await client.get("/admin/prompts/system", headers=ADMIN, params={"name": "llm_system"})).json()
        assert [v["version"] for v in versions if v["is_active"]] == [v2]
        fake_openai.enqueue(Reply.ok("Ответ [1]."))
        await ask(client, chat_id, "Какой напор у насоса НС-200?")
        assert fake_openai.requests[-1].json["messages"][0]["content"] == "Новая стратегия v2."

    async def test_refusals(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        response = await client.post("/admin/prompts/system", headers=ADMIN, json={"name": "other", "content": "x"})
        assert (response.status_code, response.json()["code"]) == (400, "ERR_PROMPT_NAME")
        response = await client.patch("/admin/prompts/system", headers=ADMIN, json={"name": "html_ocr", "version": 9})
        assert (response.status_code, response.json()["code"]) == (404, "ERR_PROMPT_NOT_FOUND")
        response = await client.get("/admin/prompts/system")  # a user's token is not the admin's
        assert (response.status_code, response.json()["code"]) == (401, "ERR_UNAUTHORIZED")
        runtime.settings = runtime.settings.model_copy(update={"admin_token": ""})
        assert (await client.get("/admin/prompts/roles", headers=ADMIN)).status_code == 404


class TestUserSettings:
    async def test_a_user_picks_a_role_and_a_profile(self, client: httpx.AsyncClient) -> None:
        me = (await client.get("/api/v1/me")).json()
        assert {"id", "first_name", "language", "timezone"} <= set(me)  # the fields it had before
        assert me["settings"] == {"model_profile": "simple", "selected_role_prompt_id": None, "role": None}
        role = (await client.post("/admin/prompts/roles", headers=ADMIN, json={
            "name": "юрист", "content": "Ты юрист.", "description": "Юрист"})).json()
        roles = (await client.get("/api/v1/prompts/roles")).json()
        assert "юрист" in [r["name"] for r in roles]
        body = (await client.patch("/api/v1/me/settings", json={"model_profile": "complex",
                                                                 "selected_role_prompt_id": role["id"]})).json()
        assert body == {"model_profile": "complex", "selected_role_prompt_id": role["id"],
                        "role": {"id": role["id"], "name": "юрист", "description": "Юрист", "version": 1}}
        await client.post("/admin/prompts/roles", headers=ADMIN, json={"name": "юрист", "content": "Ты юрист v2."})
        settings = (await client.get("/api/v1/me")).json()["settings"]
        assert settings["role"]["version"] == 2 and settings["model_profile"] == "complex"
        body = (await client.patch("/api/v1/me/settings", json={"model_profile": "simple"})).json()
        assert body["role"]["name"] == "юрист"  # left out: unchanged
        body = (await client.patch("/api/v1/me/settings", json={"selected_role_prompt_id": None})).json()
        assert body["role"] is None and body["model_profile"] == "simple"

    async def test_refusals(self, client: httpx.AsyncClient) -> None:
        response = await client.patch("/api/v1/me/settings", json={"selected_role_prompt_id": 999999})
        assert (response.status_code, response.json()["code"]) == (404, "ERR_ROLE_NOT_FOUND")
        response = await client.patch("/api/v1/me/settings", json={"model_profile": "fast"})
        assert (response.status_code, response.json()["code"]) == (422, "ERR_VALIDATION")


class TestSystemSettings:
    async def test_the_operator_changes_the_limits_and_the_platform_key(self, client: httpx.AsyncClient,
                                                                       runtime: Runtime,
                                                                       fake_openai: FakeOpenAI) -> None:
        chat_id, _ = await chat_with(client, facts_pdf())
        body = (await client.get("/admin/settings/system", headers=ADMIN)).json()
        assert body == {"max_pages": 500, "platform_key": True, "top_k": 12, "flash_steps": 3, "ocr": True,
                        "semantic_search": True}
        body = (await client.patch("/admin/settings/system", headers=ADMIN,
                                   json={"max_pages": 4, "platform_key": False})).json()
        assert body == {"max_pages": 4, "platform_key": False, "top_k": 12, "flash_steps": 3, "ocr": True,
                        "semantic_search": True}
        response = await upload(client, facts_pdf())
        assert (response.status_code, response.json()["code"]) == (400, "ERR_DOC_TOO_MANY_PAGES")
        events = await ask(client, chat_id, "Какой гарантийный срок на насосы?")
        assert [(e.event, e.data["code"]) for e in events] == [("error", "ERR_DOC_NO_KEY")]
        response = await client.patch("/admin/settings/system", headers=ADMIN, json={"top_k": 0})
        assert response.status_code == 422
        for wrong in ({"max_pages": True}, {"top_k": "12"}, {"ocr": 1}, {"platform_key": "yes"}):
            response = await client.patch("/admin/settings/system", headers=ADMIN, json=wrong)
            assert response.status_code == 422, wrong
