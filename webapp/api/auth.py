"""POST /auth/exchange, /auth/refresh, /auth/logout (static token → JWT pair; revocable refresh)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from core.auth import tokens
from webapp.deps import SessionDep, SettingsDep
from webapp.openapi import errors

router = APIRouter(prefix="/auth", tags=["auth"])


class ExchangeIn(BaseModel):
    static_token: str = Field(min_length=8, max_length=256)


class RefreshIn(BaseModel):
    refresh_token: str = Field(min_length=8, max_length=256)


@router.post("/exchange", responses=errors({401: "ERR_UNAUTHORIZED: the static token is unknown or revoked"}))
async def exchange(body: ExchangeIn, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    pair = await tokens.exchange(session, body.static_token, signing_key=settings.jwt_signing_key,
                                 access_ttl=settings.access_token_ttl, refresh_ttl=settings.refresh_token_ttl)
    return {"access_token": pair.access_token, "refresh_token": pair.refresh_token, "expires_in": pair.expires_in,
            "token_type": "bearer", "user": {"id": pair.user_id}}


@router.post("/refresh", responses=errors({
    401: "ERR_UNAUTHORIZED: the refresh token is unknown, expired or revoked (a reused one revokes its whole login)"}))
async def refresh(body: RefreshIn, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    try:
        pair = await tokens.refresh(session, body.refresh_token, signing_key=settings.jwt_signing_key,
                                    access_ttl=settings.access_token_ttl, refresh_ttl=settings.refresh_token_ttl)
    except tokens.RefreshReused:
        await session.commit()  # the login stays revoked although this request is answered 401
        raise
    return {"access_token": pair.access_token, "refresh_token": pair.refresh_token, "expires_in": pair.expires_in,
            "token_type": "bearer"}


@router.post("/logout")
async def logout(body: RefreshIn, session: SessionDep) -> dict[str, bool]:
    await tokens.logout(session, body.refresh_token)
    return {"ok": True}
