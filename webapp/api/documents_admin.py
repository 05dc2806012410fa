"""The documents' admin routes (Bearer ADMIN_TOKEN; 404 when it is unset): the system prompts and the roles, each
versioned (POST adds a version, PATCH activates one: a newer one, or an older one to roll back), and the pipeline's
system settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Security, status

from core.documents import prompts, system
from core.documents.models import RolePrompt, SystemPrompt
from core.documents.schemas import PromptActivate, PromptCreate, PromptOut
from core.documents.system import SystemSettings, SystemSettingsPatch
from webapp.admin import _check_admin
from webapp.deps import ADMIN_TOKEN, RuntimeDep, SessionDep
from webapp.openapi import errors

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Security(ADMIN_TOKEN)])
GUARD = {401: "ERR_UNAUTHORIZED: no or a wrong admin token", 404: "ERR_NOT_FOUND: off (no ADMIN_TOKEN)"}
NAME = "ERR_PROMPT_NAME: a system prompt is llm_system, json_annotation, html_ocr or flash_extractor"
VERSION = "ERR_PROMPT_NOT_FOUND: no such version of this prompt (or ERR_NOT_FOUND: off, no ADMIN_TOKEN)"
NameQuery = Annotated[str | None, Query(max_length=64, description="only this prompt's versions")]


@router.get("/prompts/system", responses=errors(GUARD))
async def system_prompts(request: Request, runtime: RuntimeDep, session: SessionDep, name: NameQuery = None
                         ) -> list[PromptOut]:
    """Every version of the four system prompts (or of one), oldest first; `is_active` marks the one applied."""
    _check_admin(request, runtime.settings.admin_token)
    return [PromptOut.of(p) for p in await prompts.versions(session, SystemPrompt, name)]


@router.post("/prompts/system", status_code=status.HTTP_201_CREATED, responses=errors({**GUARD, 400: NAME}))
async def add_system_prompt(body: PromptCreate, request: Request, runtime: RuntimeDep, session: SessionDep
                            ) -> PromptOut:
    _check_admin(request, runtime.settings.admin_token)
    return PromptOut.of(await prompts.add_version(session, SystemPrompt, body.name, body.content, body.description,
                                                  body.activate))


@router.patch("/prompts/system", responses=errors({**GUARD, 400: NAME, 404: VERSION}))
async def activate_system_prompt(body: PromptActivate, request: Request, runtime: RuntimeDep, session: SessionDep
                                 ) -> PromptOut:
    _check_admin(request, runtime.settings.admin_token)
    return PromptOut.of(await prompts.activate_version(session, SystemPrompt, body.name, body.version))


@router.get("/prompts/roles", responses=errors(GUARD))
async def role_prompts(request: Request, runtime: RuntimeDep, session: SessionDep, name: NameQuery = None
                       ) -> list[PromptOut]:
    _check_admin(request, runtime.settings.admin_token)
    return [PromptOut.of(p) for p in await prompts.versions(session, RolePrompt, name)]


@router.post("/prompts/roles", status_code=status.HTTP_201_CREATED, responses=errors({
    **GUARD, 400: "ERR_PROMPT_NAME: an empty name"}))
async def add_role_prompt(body: PromptCreate, request: Request, runtime: RuntimeDep, session: SessionDep
                          ) -> PromptOut:
    """A new role, or a new version of one (by its name)."""
    _check_admin(request, runtime.settings.admin_token)
    return PromptOut.of(await prompts.add_version(session, RolePrompt, body.name, body.content, body.description,
                                                  body.activate))


@router.patch("/prompts/roles", responses=errors({**GUARD, 400: "ERR_PROMPT_NAME: an empty name", 404: VERSION}))
async def activate_role_prompt(body: PromptActivate, request: Request, runtime: RuntimeDep, session: SessionDep
                               ) -> PromptOut:
    _check_admin(request, runtime.settings.admin_token)
    return PromptOut.of(await prompts.activate_version(session, RolePrompt, body.name, body.version))


@router.get("/settings/system", responses=errors(GUARD))
async def system_settings(request: Request, runtime: RuntimeDep, session: SessionDep) -> SystemSettings:
    """The documents pipeline's settings in effect (the environment's defaults, as changed here)."""
    _check_admin(request, runtime.settings.admin_token)
    return await system.effective(session, runtime.settings)


@router.patch("/settings/system", responses=errors(GUARD))
async def patch_system_settings(body: SystemSettingsPatch, request: Request, runtime: RuntimeDep,
                                session: SessionDep) -> SystemSettings:
    _check_admin(request, runtime.settings.admin_token)
    return await system.update(session, runtime.settings, body)
