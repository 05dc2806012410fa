"""/health, /admin/stats (Bearer ADMIN_TOKEN; 404 when unset) and /metrics."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.platform import admin_stats
from core.queue import heartbeat, inbox
from webapp.deps import RuntimeDep, SessionDep
from webapp.metrics import refresh_queue_gauges

router = APIRouter()


@router.get("/health")
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


@router.get("/admin/stats")
async def stats(request: Request, runtime: RuntimeDep, session: SessionDep) -> dict[str, Any]:
    _check_admin(request, runtime.settings.admin_token)
    return await admin_stats.collect(session)


@router.get("/metrics")
async def metrics(request: Request, session: SessionDep) -> Response:
    registry = request.app.state.metrics_registry
    await refresh_queue_gauges(session, registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
