"""Prompts in the database: the four system prompts and the roles, versioned (one active version per name; activate a
newer or an older one: a rollback), and the order they are applied in (the spec's 5.4, fixed):

- simple (flash): 1) the role, if one is chosen; 2) llm_system + json_annotation + html_ocr; 3) the user's message
  (the question with its context blocks and images);
- complex, Flash stage: 1) flash_extractor; 2) the document's blocks, the image catalogue and the question;
  3) request_images / zoom rounds;
- complex, Pro stage: 1) the role; 2) llm_system + json_annotation + html_ocr; 3) the relevant blocks with the
  images and zooms Flash asked for.

A name with no active version in the database (an emptied table) falls back to the shipped default."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.db.values import storable_text
from core.documents import repository as repo
from core.documents.defaults import SYSTEM_PROMPT_NAMES, SYSTEM_PROMPTS
from core.documents.errors import ERR_PROMPT_NAME, ERR_PROMPT_NOT_FOUND, DocumentsError
from core.documents.models import RolePrompt, SystemPrompt

ANSWER_SYSTEM = ("llm_system", "json_annotation", "html_ocr")  # in this order, after the role


@dataclass(frozen=True)
class PromptSet:
    system: dict[str, str]  # name -> the active content
    role: str | None

    def answer_system(self) -> list[str]:
        """The simple pipeline's and the Pro stage's system parts, in the order of 5.4."""
        parts = [self.role] if self.role else []
        return parts + [self.system[name] for name in ANSWER_SYSTEM]

    def flash_system(self) -> list[str]:
        return [self.system["flash_extractor"]]


async def active_system(session: AsyncSession) -> dict[str, str]:
    active = {p.name: p.content for p in await repo.active_prompts(session, SystemPrompt)}
    return {name: active.get(name, SYSTEM_PROMPTS[name][1]) for name in SYSTEM_PROMPT_NAMES}


async def prompt_set(session: AsyncSession, role: RolePrompt | None) -> PromptSet:
    return PromptSet(await active_system(session), role.content if role is not None else None)


# --- admin: versions ----------------------------------------------------------------------------------------------

Kind = type[SystemPrompt] | type[RolePrompt]


def _check_name(model: Kind, name: str) -> str:
    name = storable_text(name.strip())
    if model is SystemPrompt and name not in SYSTEM_PROMPT_NAMES:
        raise DocumentsError(ERR_PROMPT_NAME, f"a system prompt is one of {', '.join(SYSTEM_PROMPT_NAMES)}")
    if not name:
        raise DocumentsError(ERR_PROMPT_NAME, "a prompt needs a name")
    return name


async def versions(session: AsyncSession, model: Kind, name: str | None = None) -> list[SystemPrompt | RolePrompt]:
    if model is SystemPrompt:
        return list(await repo.prompt_versions(session, SystemPrompt, name))
    return list(await repo.prompt_versions(session, RolePrompt, name))


async def add_version(session: AsyncSession, model: Kind, name: str, content: str, description: str,
                      activate: bool) -> SystemPrompt | RolePrompt:
    """A new version (the next number of its name); active at once unless ``activate`` is false."""
    name = _check_name(model, name)
    now = utcnow()
    version = await (repo.last_version(session, SystemPrompt, name) if model is SystemPrompt
                     else repo.last_version(session, RolePrompt, name)) + 1
    if activate:
        await _deactivate(session, model, name)
    prompt = model(name=name, content=storable_text(content), version=version, is_active=activate,
                   description=storable_text(description), updated_at=now)
    session.add(prompt)
    await session.flush()
    return prompt


async def activate_version(session: AsyncSession, model: Kind, name: str, version: int) -> SystemPrompt | RolePrompt:
    """Make ``version`` of ``name`` the active one (a newer one, or an older one to roll back)."""
    name = _check_name(model, name)
    prompt = await (repo.prompt_version(session, SystemPrompt, name, version) if model is SystemPrompt
                    else repo.prompt_version(session, RolePrompt, name, version))
    if prompt is None:
        raise DocumentsError(ERR_PROMPT_NOT_FOUND, f"{name} has no version {version}", status=404)
    await _deactivate(session, model, name)
    prompt.is_active = True
    prompt.updated_at = utcnow()
    await session.flush()
    return prompt


async def _deactivate(session: AsyncSession, model: Kind, name: str) -> None:
    if model is SystemPrompt:
        await repo.deactivate(session, SystemPrompt, name, utcnow())
    else:
        await repo.deactivate(session, RolePrompt, name, utcnow())
    # rows of this name loaded earlier in the unit of work must not keep their stale flag
    for obj in list(session.identity_map.values()):
        if isinstance(obj, model) and obj.name == name:
            await session.refresh(obj, ["is_active"])


async def roles(session: AsyncSession) -> list[RolePrompt]:
    return list(await repo.active_prompts(session, RolePrompt))
