"""getMe, getUpdates (long polling with Telegram's offset rules) and the webhook methods."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request

from sandbox.errors import GET_UPDATES_TERMINATED, GET_UPDATES_WITH_WEBHOOK, ApiError
from sandbox.models import BOT_FIRST_NAME, BOT_USERNAME, JSON
from sandbox.registry import Call, Described, accept, api_method

MAX_POLL_TIMEOUT = 50
WEBHOOK_PORTS = (443, 80, 88, 8443)
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@api_method("getMe")
async def get_me(call: Call) -> JSON:
    call.sandbox.state.mark_seen(call.bot)
    return {
        "id": call.bot.id, "is_bot": True, "first_name": call.bot.profile.get("name") or BOT_FIRST_NAME,
        "username": BOT_USERNAME, "can_join_groups": True, "can_read_all_group_messages": False,
        "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False,
    }


def _deliverable(call: Call, offset: int | None, limit: int) -> list[JSON]:
    state, bot = call.sandbox.state, call.bot
    if offset is not None and offset < 0:
        queue = state.pending(bot.id)
        for update in queue[:offset]:  # keep only the last -offset updates
            state.remove_update(bot.id, update["update_id"])
    elif offset:
        state.confirm_below(bot.id, offset)
    updates = []
    for update in state.pending(bot.id):
        if not bot.wants(update):
            state.remove_update(bot.id, update["update_id"])  # Telegram never delivers what was filtered out
            continue
        updates.append(update)
    return updates[:limit]


async def _wait_disconnect(request: Request) -> None:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


async def _wait(call: Call, event: asyncio.Event, seconds: float) -> bool:
    """Wait for `event` up to `seconds`; False if the client went away meanwhile."""
    waiters: set[asyncio.Task[Any]] = {asyncio.ensure_future(event.wait())}
    gone = None
    if call.request is not None:
        gone = asyncio.ensure_future(_wait_disconnect(call.request))
        waiters.add(gone)
    try:
        done, _ = await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in waiters:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    return gone is None or gone not in done


@api_method("getUpdates")
async def get_updates(call: Call) -> list[JSON]:
    sandbox, bot, params = call.sandbox, call.bot, call.params
    sandbox.state.mark_seen(bot)
    if bot.webhook_url:
        raise ApiError(409, GET_UPDATES_WITH_WEBHOOK)
    offset = params.int_("offset")
    limit = min(max(params.int_("limit", 100) or 100, 1), 100)
    timeout = min(max(params.int_("timeout", 0) or 0, 0), MAX_POLL_TIMEOUT)
    allowed = params.json_("allowed_updates")
    if isinstance(allowed, list) and allowed != bot.allowed_updates:
        bot.allowed_updates = [str(a) for a in allowed]
        sandbox.state.save_bot(bot)
    generation = sandbox.poll_generation.get(bot.id, 0) + 1
    sandbox.poll_generation[bot.id] = generation
    sandbox.state.notify(bot.id)  # an older long poll of this bot ends with 409, as on Telegram
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        event = sandbox.state.signal(bot.id)
        updates = _deliverable(call, offset, limit)
        remaining = deadline - loop.time()
        if updates or remaining <= 0 or sandbox.closing or bot.webhook_url:
            return updates
        if not await _wait(call, event, remaining):
            return []
        if sandbox.poll_generation.get(bot.id) != generation:
            raise ApiError(409, GET_UPDATES_TERMINATED)
        offset = None  # already confirmed


def _check_webhook_url(url: str, *, local: bool) -> None:
    """Refuse what Telegram refuses; `local` (the sandbox's local-webhook switch) lets any http(s) URL through."""
    parsed = urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or (parsed.scheme == "http" and not local):
        raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if local:
        return
    try:
        port = parsed.port or 443
    except ValueError:
        raise ApiError.bad_request("bad webhook: Wrong port number specified in the URL") from None
    if port not in WEBHOOK_PORTS:
        raise ApiError.bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    host = "127.0.0.1" if parsed.hostname == "localhost" else parsed.hostname
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return  # a name: Telegram resolves it; the sandbox cannot (and never sends there without the switch)
    if not address.is_global:
        raise ApiError.bad_request(f"bad webhook: IP address {address} is reserved")


@api_method("setWebhook")
async def set_webhook(call: Call) -> Described:
    sandbox, bot, params = call.sandbox, call.bot, call.params
    url = (params.str_("url") or "").strip()
    if not url:
        return await delete_webhook(call)
    _check_webhook_url(url, local=sandbox.options.local_webhooks)
    secret = params.str_("secret_token")
    if secret and not _SECRET_RE.match(secret):
        raise ApiError.bad_request("secret token contains unallowed characters")
    if params.bool_("drop_pending_updates"):
        sandbox.state.drop_pending(bot.id)
    allowed = params.json_("allowed_updates")
    if isinstance(allowed, list):
        bot.allowed_updates = [str(a) for a in allowed]
    bot.webhook = {"url": url, "secret_token": secret or "", "max_connections": params.int_("max_connections", 40)}
    sandbox.state.save_bot(bot)
    sandbox.state.mark_seen(bot)
    sandbox.state.notify(bot.id)
    sandbox.webhooks.ensure(bot.id)
    return Described(True, "Webhook was set")


@api_method("deleteWebhook")
async def delete_webhook(call: Call) -> Described:
    sandbox, bot = call.sandbox, call.bot
    if call.params.bool_("drop_pending_updates"):
        sandbox.state.drop_pending(bot.id)
    if not bot.webhook_url:
        return Described(True, "Webhook is already deleted")
    bot.webhook = {}
    sandbox.state.save_bot(bot)
    sandbox.state.notify(bot.id)
    return Described(True, "Webhook was deleted")


@api_method("getWebhookInfo")
async def get_webhook_info(call: Call) -> JSON:
    bot = call.bot
    info: JSON = {"url": bot.webhook_url, "has_custom_certificate": False,
                  "pending_update_count": len(call.sandbox.state.pending(bot.id))}
    if bot.webhook_url:
        info["max_connections"] = bot.webhook.get("max_connections", 40)
        info["ip_address"] = "127.0.0.1"
    for key in ("last_error_date", "last_error_message"):
        if bot.webhook.get(key):
            info[key] = bot.webhook[key]
    if bot.allowed_updates:
        info["allowed_updates"] = bot.allowed_updates
    return info


accept("close", "logOut")
