"""The operator's settings of the documents pipeline (GET/PATCH /admin/settings/system): the environment gives the
defaults (Settings), the `settings_system` table what an operator changed since."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, StrictBool, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.documents import repository as repo


class SystemSettings(BaseModel):
    max_pages: int = Field(ge=1, le=100_000, description="a longer document is refused (ERR_DOC_TOO_MANY_PAGES)")
    platform_key: bool = Field(description="a user without an own key may use the platform's OpenAI/Gemini key")
    top_k: int = Field(ge=1, le=100, description="candidate blocks retrieved for a question")
    flash_steps: int = Field(ge=0, le=10, description="request_images / zoom rounds a model may take (Flash)")
    ocr: bool = Field(description="scanned PDF pages are read by OCR (Tesseract, when installed)")
    semantic_search: bool = Field(description="blocks are also embedded by the user's cloud provider at ingest and "
                                              "ranked by those embeddings too")


class SystemSettingsPatch(BaseModel):
    """Only the fields given change; the rest keep their value. `true` is no page count and "yes" or 1 no switch:
    a 422, never silently a value."""

    max_pages: int | None = Field(default=None, ge=1, le=100_000)
    platform_key: StrictBool | None = None
    top_k: int | None = Field(default=None, ge=1, le=100)
    flash_steps: int | None = Field(default=None, ge=0, le=10)
    ocr: StrictBool | None = None
    semantic_search: StrictBool | None = None

    @field_validator("max_pages", "top_k", "flash_steps", mode="before")
    @classmethod
    def _json_integer(cls, value: object) -> object:
        """JSON Schema's integer: a number without a fraction (``3.0`` included), never ``true`` or ``"3"``."""
        if isinstance(value, bool | str):
            raise ValueError("an integer is expected")
        return value


def defaults(settings: Settings) -> dict[str, Any]:
    return {"max_pages": settings.documents_max_pages, "platform_key": settings.documents_platform_key,
            "top_k": 12, "flash_steps": 3, "ocr": True, "semantic_search": True}


async def effective(session: AsyncSession, settings: Settings) -> SystemSettings:
    stored = await repo.system_settings(session)
    values = {key: stored.get(key, value) for key, value in defaults(settings).items()}
    return SystemSettings.model_validate(values)


async def update(session: AsyncSession, settings: Settings, patch: SystemSettingsPatch) -> SystemSettings:
    for key, value in patch.model_dump(exclude_unset=True, exclude_none=True).items():
        await repo.put_system_setting(session, key, value)
    return await effective(session, settings)
