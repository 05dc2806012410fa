"""GET /api/v1/me: who the credentials belong to (Mini Apps use it to greet and pick the language)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from webapp.deps import CurrentUser

router = APIRouter(prefix="/api/v1", tags=["me"])


@router.get("/me")
async def me(user: CurrentUser) -> dict[str, Any]:
    return {"id": user.id, "first_name": user.first_name, "language": user.language, "timezone": user.timezone}
