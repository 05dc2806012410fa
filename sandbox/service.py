"""The sandbox as one object: its state, flood control, counters and webhook delivery."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import structlog

from sandbox.errors import ApiError
from sandbox.flood import FloodConfig, FloodControl, Stats
from sandbox.models import BotRecord
from sandbox.state import SandboxState
from sandbox.store import open_store
from sandbox.webhook import WebhookDispatcher

log = structlog.get_logger()

_TOKEN_RE = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]{1,100})$")


class Sandbox:
    def __init__(self, state_file: Path | None = None, *, flood_limits: bool = False,
                 webapp_url_base: str = "") -> None:
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

    async def aclose(self) -> None:
        self.closing = True
        self.state.notify_all()
        await self.webhooks.aclose()
        self.state.store.close()

    def bot_from_token(self, token: str) -> BotRecord:
        m = _TOKEN_RE.match(token)
        if not m or int(m.group(1)) <= 0:
            raise ApiError(401, "Unauthorized")
        return self.state.bot_for_token(int(m.group(1)), token)

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
        log.info("sandbox.reset", forget_bots=forget_bots)
