"""Webhook delivery: each bot with a webhook gets its pending updates POSTed in order, one at a time.

An update is dropped from the queue only after a 2xx answer; failures are retried with exponential backoff
and show up in getWebhookInfo (last_error_date / last_error_message). Like Telegram, a webhook may answer with
a method call in its body ({"method": "sendMessage", ...}, JSON or multipart as aiogram sends it).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

import httpx
import structlog
from starlette.requests import Request
from starlette.types import Message

from sandbox.models import JSON, BotRecord
from sandbox.params import read_params
from sandbox.registry import execute

if TYPE_CHECKING:
    from sandbox.service import Sandbox

log = structlog.get_logger()

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookDispatcher:
    def __init__(self, sandbox: Sandbox, *, retry_base: float = 0.2, retry_max: float = 5.0,
                 timeout: float = 10.0) -> None:
        self._sandbox = sandbox
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._client: httpx.AsyncClient | None = None
        self.retry_base = retry_base
        self.retry_max = retry_max
        self.timeout = timeout

    def ensure(self, bot_id: int) -> None:
        """Start delivery for this bot if it has a webhook and no delivery task is running."""
        bot = self._sandbox.state.bots.get(bot_id)
        if bot is None or not bot.webhook_url or self._sandbox.closing:
            return
        task = self._tasks.get(bot_id)
        if task is None or task.done():
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop yet: Sandbox.start() resumes delivery later
                return
            self._tasks[bot_id] = loop.create_task(self._run(bot_id))

    async def aclose(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _run(self, bot_id: int) -> None:
        state = self._sandbox.state
        delay = self.retry_base
        while not self._sandbox.closing:
            bot = state.bots.get(bot_id)
            if bot is None or not bot.webhook_url:
                return
            signal = state.signal(bot_id)
            pending = state.pending(bot_id)
            if not pending:
                await signal.wait()
                continue
            update = pending[0]
            if not bot.wants(update):
                state.remove_update(bot_id, update["update_id"])  # filtered out by allowed_updates
                continue
            if await self._deliver(bot, update):
                state.remove_update(bot_id, update["update_id"])
                delay = self.retry_base
            else:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max)

    async def _deliver(self, bot: BotRecord, update: JSON) -> bool:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout)
        headers = {}
        if bot.webhook.get("secret_token"):
            headers[SECRET_HEADER] = bot.webhook["secret_token"]
        try:
            response = await self._client.post(bot.webhook_url, json=update, headers=headers)
        except httpx.TimeoutException:
            return self._failed(bot, "Read timeout expired")
        except httpx.ConnectError:
            return self._failed(bot, "Connection refused")
        except httpx.HTTPError as exc:
            return self._failed(bot, f"Connection error: {type(exc).__name__}")
        if not 200 <= response.status_code < 300:
            return self._failed(bot, f"Wrong response from the webhook: {response.status_code} "
                                     f"{response.reason_phrase}")
        await self._run_reply(bot, response)
        return True

    def _failed(self, bot: BotRecord, message: str) -> bool:
        bot.webhook["last_error_date"] = int(time.time())
        bot.webhook["last_error_message"] = message
        self._sandbox.state.save_bot(bot)
        log.info("sandbox.webhook.failed", bot_id=bot.id, error=message)
        return False

    async def _run_reply(self, bot: BotRecord, response: httpx.Response) -> None:
        content_type = response.headers.get("content-type", "")
        if not response.content or not any(t in content_type for t in ("json", "multipart", "urlencoded")):
            return
        body = response.content

        async def receive() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        scope = {"type": "http", "method": "POST", "path": "/", "query_string": b"",
                 "headers": [(b"content-type", content_type.encode())]}
        try:
            params = await read_params(Request(scope, receive))
        except Exception:  # noqa: BLE001 - a webhook answer we cannot read is ignored, as Telegram does
            return
        method = params.values.pop("method", None)
        if isinstance(method, str) and method:
            status, _ = await execute(self._sandbox, bot.token, method, params)
            log.info("sandbox.webhook.reply", bot_id=bot.id, method=method, status=status)
