"""/health, /admin/stats (Bearer ADMIN_TOKEN; 404 when unset) and /metrics."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from core.platform import admin_stats
from core.queue import heartbeat
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
        body["database"] = "ok"
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
