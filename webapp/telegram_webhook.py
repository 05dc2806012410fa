"""POST /telegram/webhook: secret-token checked, stored durably, 200 only after the commit.

A body that is not a Telegram update (not JSON, not an object, no 64-bit update_id, a message without a chat, an id
beyond 64 bits) is answered 400 and Telegram drops it; anything else is stored (sanitised, or DEAD when even that
fails) and acknowledged. Errors are the project's `{"code", "message"}` bodies."""

from __future__ import annotations

import hmac
import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, Security

from core.errors import DomainError
from core.queue.ingest import QueueFull, webhook_batcher
from core.telegram.updates import BadUpdate, route_of, update_id_of
from webapp.deps import TELEGRAM_SECRET, RuntimeDep
from webapp.openapi import errors

router = APIRouter()
SECRET_HEADER = TELEGRAM_SECRET.model.name
# What the route reads (it parses the body itself): a JSON object with a 64-bit update_id, the rest as Telegram sent it
UPDATE = {"type": "object", "required": ["update_id"], "additionalProperties": True, "properties": {
    "update_id": {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1}}}


class WebhookError(DomainError):
    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(code, message)
        self.status_code = status_code


@router.post("/telegram/webhook", tags=["telegram"], responses=errors({
    400: "ERR_BAD_UPDATE: not a Telegram update (not JSON, not an object, no 64-bit update_id, a message without a "
         "chat, an id beyond 64 bits); Telegram drops it",
    401: f"ERR_UNAUTHORIZED: no {SECRET_HEADER} header", 403: f"ERR_FORBIDDEN: a wrong {SECRET_HEADER}",
    404: "ERR_NOT_FOUND: the webhook is off (no WEBHOOK_SECRET)",
    503: "ERR_QUEUE_FULL: QUEUE_MAX_TOTAL updates wait; not acknowledged, Telegram delivers it again later",
}), openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": UPDATE}}}})
async def webhook(request: Request, runtime: RuntimeDep,
                  given: Annotated[str | None, Security(TELEGRAM_SECRET)]) -> dict[str, Any]:
    secret = runtime.settings.webhook_secret
    if not secret:
        raise HTTPException(status_code=404)
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
