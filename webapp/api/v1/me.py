"""GET /api/v1/me: who the credentials belong to (Mini Apps use it to greet and pick the language)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from core.documents import service as documents
from webapp.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/api/v1", tags=["me"])


@router.get("/me")
async def me(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """The user, and their effective documents settings (`settings`: model_profile, selected_role_prompt_id, role)."""
    return {"id": user.id, "first_name": user.first_name, "language": user.language, "timezone": user.timezone,
            "settings": (await documents.effective_settings(session, user.id)).model_dump(mode="json")}
