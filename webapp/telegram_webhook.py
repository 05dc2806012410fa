"""POST /telegram/webhook: secret-token checked, stored durably, 200 only after the commit.

A body that is not a Telegram update (not JSON, not an object, no 64-bit update_id, a message without a chat, an id
beyond 64 bits) is answered 400 and Telegram drops it; anything else is stored (sanitised, or DEAD when even that
fails) and acknowledged. Errors are the project's `{"code", "message"}` bodies."""

from __future__ import annotations

import hmac
import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from core.errors import DomainError
from core.queue.ingest import QueueFull, webhook_batcher
from core.telegram.updates import BadUpdate, route_of, update_id_of
from webapp.deps import RuntimeDep

router = APIRouter()
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookError(DomainError):
    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(code, message)
        self.status_code = status_code


@router.post("/telegram/webhook")
async def webhook(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    secret = runtime.settings.webhook_secret
    if not secret:
        raise HTTPException(status_code=404)
    given = request.headers.get(SECRET_HEADER)
    if given is None:
        raise WebhookError(401, "ERR_UNAUTHORIZED", "secret token required")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        raise WebhookError(403, "ERR_FORBIDDEN", "wrong secret token")
    update = _parse_update(await request.body())
    try:
        await webhook_batcher(runtime).submit(update)
    except QueueFull as exc:  # not acknowledged: Telegram delivers it again later
        raise WebhookError(503, "ERR_QUEUE_FULL", "queue full") from exc
    return {"ok": True}


def _parse_update(body: bytes) -> dict[str, Any]:
    try:
        update = json.loads(body)
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, nested too deep
        raise WebhookError(400, "ERR_BAD_UPDATE", "the body is not JSON") from exc
    if not isinstance(update, dict):
        raise WebhookError(400, "ERR_BAD_UPDATE", "not a Telegram update")
    try:
        update_id_of(update)
        route_of(update)
    except BadUpdate as exc:
        raise WebhookError(400, "ERR_BAD_UPDATE", f"not a Telegram update: {exc}") from exc
    return update
