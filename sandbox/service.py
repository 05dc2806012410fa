"""The sandbox as one object: its state, flood control, counters and webhook delivery."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from sandbox.errors import CHAT_NOT_FOUND, INVALID_TOKEN, ApiError
from sandbox.flood import FloodConfig, FloodControl, Stats
from sandbox.models import BotRecord
from sandbox.state import SandboxState
from sandbox.store import open_store
from sandbox.webhook import WebhookDispatcher

log = structlog.get_logger()

_TOKEN_RE = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]{1,100})$")
CALLBACK_TIMEOUT = 15.0  # seconds Telegram waits for answerCallbackQuery


@dataclass
class Options:
    """How close to Telegram the sandbox behaves; each switch is off (strict) unless a test or a host needs it.

    local_webhooks: accept setWebhook to any http(s) URL (Telegram wants HTTPS on port 443, 80, 88 or 8443, on a
    public address). open_chats: let a bot write to a private chat whose user never wrote to it (Telegram: "chat
    not found"). callback_timeout: seconds after which answerCallbackQuery is "query is too old".
    """

    local_webhooks: bool = False
    open_chats: bool = False
    callback_timeout: float = CALLBACK_TIMEOUT

    def update(self, changes: dict[str, Any]) -> None:
        for name in ("local_webhooks", "open_chats"):
            if name in changes:
                setattr(self, name, bool(changes[name]))
        if "callback_timeout" in changes:
            self.callback_timeout = max(float(changes["callback_timeout"]), 0.0)

    def as_dict(self) -> dict[str, Any]:
        return {"local_webhooks": self.local_webhooks, "open_chats": self.open_chats,
                "callback_timeout": self.callback_timeout}


class Sandbox:
    def __init__(self, state_file: Path | None = None, *, flood_limits: bool = False,
                 webapp_url_base: str = "", local_webhooks: bool = False, open_chats: bool = False,
                 callback_timeout: float = CALLBACK_TIMEOUT) -> None:
        self.options = Options(local_webhooks, open_chats, callback_timeout)
        self._initial_options = Options(local_webhooks, open_chats, callback_timeout)
        self.state = SandboxState(open_store(state_file))
        self.stats = Stats()
        self._initial_flood = FloodConfig(flood_limits=flood_limits)
        self.flood = FloodControl(FloodConfig(flood_limits=flood_limits), self.stats)
        self.webhooks = WebhookDispatcher(self)
        self.webapp_url_base = webapp_url_base.rstrip("/")
        self.poll_generation: dict[int, int] = {}
        self.closing = False
        self._started = False

    def start(self) -> None:
        """Resume webhook delivery for bots that had a webhook before a restart (needs a running loop)."""
        if self._started:
            return
        self._started = True
        for bot in self.state.bots.values():
            if bot.webhook_url:
                self.webhooks.ensure(bot.id)

    def end_long_polls(self) -> None:
        """The host is about to stop: a getUpdates waiting for updates answers now and none waits from here on, so
        that stopping never waits out a long poll. Every other method keeps working until `aclose`."""
        self.closing = True
        self.state.notify_all()

    async def aclose(self) -> None:
        self.end_long_polls()
        await self.webhooks.aclose()
        self.state.store.close()

    def bot_from_token(self, token: str) -> BotRecord:
        m = _TOKEN_RE.match(token)
        if not m or int(m.group(1)) <= 0:
            raise ApiError(401, INVALID_TOKEN)
        return self.state.bot_for_token(int(m.group(1)), token)

    def require_chat(self, chat_id: int) -> int:
        """A chat a bot may use: groups always; a private chat once its user wrote (unless `open_chats`)."""
        known = chat_id < 0 or chat_id in self.state.users or chat_id in self.state.chats
        if not (known or self.options.open_chats):
            raise ApiError.bad_request(CHAT_NOT_FOUND)
        return chat_id

    def target_bot_id(self, explicit: int | None = None) -> int | None:
        """Who receives an update made through the control API: the given bot, else the last one seen."""
        if explicit is not None:
            return explicit
        bot = self.state.current_bot
        return bot.id if bot else None

    def enqueue(self, bot_id: int | None, payload: dict[str, Any]) -> int:
        update_id = self.state.enqueue_update(bot_id, payload)
        self.stats.updates += 1
        if bot_id is not None:
            self.webhooks.ensure(bot_id)
        return update_id

    def reset(self, *, forget_bots: bool = False) -> None:
        self.state.reset(forget_bots=forget_bots)
        self.stats.reset()
        self.flood.reset()
        self.flood.config.update(self._initial_flood.as_dict())
        self.options.update(self._initial_options.as_dict())
        log.info("sandbox.reset", forget_bots=forget_bots)
