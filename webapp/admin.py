"""/health, /admin/stats (Bearer ADMIN_TOKEN; 404 when unset) and /metrics."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, Security
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.platform import admin_stats
from core.queue import heartbeat, inbox
from webapp.deps import ADMIN_TOKEN, METRICS_TOKEN, RuntimeDep, SessionDep
from webapp.metrics import exposition, refresh_queue_gauges
from webapp.openapi import errors

router = APIRouter()


@router.get("/health", responses={503: {"description": "not ready: the same body, with `status` \"error\""}})
async def health(runtime: RuntimeDep) -> JSONResponse:
    body: dict[str, Any] = {"status": "ok", "mode": "distributed" if runtime.settings.distributed else "embedded"}
    try:
        async with runtime.session_factory() as session:
            await session.execute(text("SELECT 1"))
            body["processes"] = await heartbeat.alive(session)
            body["ingress"] = await _ingress(session, runtime.settings.ingress_stuck_seconds)
        body["database"] = "ok"
        if body["ingress"]["status"] != "ok":
            body["status"] = "error"
    except Exception as exc:
        body.update(status="error", database=f"error: {type(exc).__name__}")
    if runtime.redis is not None:
        try:
            await runtime.redis.ping()
            body["redis"] = "ok"
        except Exception as exc:
            body.update(status="error", redis=f"error: {type(exc).__name__}")
    else:
        body["redis"] = "off"
    workers = [p for p in body.get("processes", {}).values() if p["role"] in ("worker", "embedded")]
    body["worker"] = "ok" if any(p["alive"] for p in workers) else "no heartbeat"
    return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)


async def _ingress(session: AsyncSession, stuck_after: int) -> dict[str, Any]:
    """How long the oldest NEW update that is next in its chat has waited for a consumer, and how long ago the last
    update was stored; "stuck" when that wait is beyond INGRESS_STUCK_SECONDS."""
    oldest, last = await inbox.ingress_lag(session)
    now = utcnow()
    waiting = (now - oldest).total_seconds() if oldest else None
    return {
        "status": "stuck" if waiting is not None and waiting > stuck_after else "ok",
        "oldest_new_age_seconds": round(waiting, 1) if waiting is not None else None,
        "last_stored_at": last.isoformat() if last else None,
        "last_stored_age_seconds": round((now - last).total_seconds(), 1) if last else None,
    }


def _check_admin(request: Request, token: str) -> None:
    if not token:
        raise HTTPException(status_code=404)
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(status_code=401, detail="admin token required",
                            headers={"WWW-Authenticate": "Bearer"})


@router.get("/admin/stats", dependencies=[Security(ADMIN_TOKEN)], responses=errors({
    401: "ERR_UNAUTHORIZED: no or a wrong admin token", 404: "ERR_NOT_FOUND: off (no ADMIN_TOKEN)"}))
async def stats(request: Request, runtime: RuntimeDep, session: SessionDep) -> dict[str, Any]:
    _check_admin(request, runtime.settings.admin_token)
    return await admin_stats.collect(session)


@router.get("/metrics", response_class=Response, dependencies=[Security(METRICS_TOKEN)], responses={
    200: {"description": "Prometheus text format", "content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}},
    **errors({401: "ERR_UNAUTHORIZED: METRICS_TOKEN is set and was not given"})})
async def metrics(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Prometheus text; with METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>`."""
    token = runtime.settings.metrics_token
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise HTTPException(status_code=401, detail="metrics token required",
                                headers={"WWW-Authenticate": "Bearer"})
    registry = request.app.state.metrics_registry
    await refresh_queue_gauges(session, registry)
    return Response(exposition(registry), media_type=CONTENT_TYPE_LATEST)
