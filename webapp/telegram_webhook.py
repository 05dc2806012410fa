"""POST /telegram/webhook: secret-token checked, stored durably, 200 only after the commit."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from core.queue.ingest import QueueFull, webhook_batcher
from webapp.deps import RuntimeDep

router = APIRouter()
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@router.post("/telegram/webhook")
async def webhook(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    secret = runtime.settings.webhook_secret
    if not secret:
        raise HTTPException(status_code=404)
    given = request.headers.get(SECRET_HEADER)
    if given is None:
        raise HTTPException(status_code=401, detail="secret token required")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        raise HTTPException(status_code=403, detail="wrong secret token")
    update = await request.json()
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        raise HTTPException(status_code=400, detail="not a Telegram update")
    try:
        await webhook_batcher(runtime).submit(update)
    except QueueFull as exc:  # not acknowledged: Telegram delivers it again later
        raise HTTPException(status_code=503, detail="queue full") from exc
    return {"ok": True}
