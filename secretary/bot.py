"""The bot process's long-running parts: ingress (polling or webhook), inbox consumers, outbox sender,
heartbeat, around the process's one Bot client. `secretary bot` runs them; `secretary run` runs them inside the web
app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket

import structlog
from aiogram import Bot
from aiogram.types import BotCommand, MenuButtonWebApp, WebAppInfo

from bot.consumer import InboxConsumer
from bot.dispatcher import build_dispatcher
from bot.ingress import Poller
from bot.items.keyboards import agenda_url
from bot.platform.menu import COMMANDS, DEFAULT_MENU
from bot.telegram.client import build_bot
from bot.telegram.gateway import BotGateway
from bot.telegram.sender import OutboxSender
from core.i18n import translator
from core.queue import heartbeat
from core.runtime import Runtime
from core.telegram.limiter import Limits, MemoryRateLimiter, RateLimiter, RedisRateLimiter

log = structlog.get_logger(__name__)

def build_limiter(runtime: Runtime) -> RateLimiter:
    s = runtime.settings
    limits = Limits(s.outbox_global_rate, s.outbox_chat_rate, s.outbox_chat_burst, s.outbox_group_per_minute,
                    s.outbox_global_burst)
    if runtime.redis is not None:
        return RedisRateLimiter(runtime.redis, limits)
    return MemoryRateLimiter(limits)


class BotServices:
    def __init__(self, runtime: Runtime, *, bot: Bot | None = None, role: str = "bot", ingress: bool = True,
                 ingress_after: asyncio.Event | None = None) -> None:
        self.runtime = runtime
        self.bot = bot or build_bot(runtime.settings)
        runtime.telegram = BotGateway(self.bot)  # the jobs of this process use this Bot too: one per process
        self.dp = build_dispatcher()
        self.consumer = InboxConsumer(runtime, self.bot, self.dp)
        self.sender = OutboxSender(self.bot, runtime.session_factory, build_limiter(runtime),
                                   max_attempts=runtime.settings.outbox_max_attempts,
                                   lease_seconds=runtime.settings.queue_lease_seconds,
                                   default_language=runtime.settings.default_language)
        runtime.outbox_listeners.append(self.sender.notify)
        runtime.outbox_direct = self.sender  # a reply due now goes on the wire as its unit of work commits
        self.poller: Poller | None = None
        self.role = role
        self.ingress = ingress  # False: consume only (another process polls or the web app takes the webhook)
        # set once the Bot API can be reached: in `secretary run` the sandbox is served by this very process
        self.ingress_after = ingress_after
        self._ingress_task: asyncio.Task[None] | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        settings = self.runtime.settings
        self._tasks.append(asyncio.create_task(self.consumer.run(), name="inbox-consumer"))
        self._tasks.append(asyncio.create_task(self.sender.run(), name="outbox-sender"))
        self._tasks.append(asyncio.create_task(self._heartbeat(), name="heartbeat"))
        if self.ingress:
            self._ingress_task = asyncio.create_task(self._setup_ingress(), name="ingress")
            self._tasks.append(self._ingress_task)
        log.info("bot.started", webhook=bool(settings.webhook_url), ingress=self.ingress)

    async def _setup_ingress(self) -> None:
        settings = self.runtime.settings
        if self.ingress_after is not None:
            await self.ingress_after.wait()
        await self._set_commands()
        if settings.webhook_url:
            await self._retrying(lambda: self.bot.set_webhook(
                settings.webhook_url, secret_token=settings.webhook_secret or None, drop_pending_updates=False))
            return
        self.poller = Poller(self.runtime, self.bot, consumer=self.consumer)
        self.consumer.local_ingress = True  # every update is stored by this process and wakes its consumers
        await self.poller.run()

    async def _set_commands(self) -> None:
        """The menu in every language it has, and the default one (English) for users of any other language."""
        menus: list[tuple[str | None, list[tuple[str, str]]]] = [(None, COMMANDS[DEFAULT_MENU]), *COMMANDS.items()]
        for lang, commands in menus:
            cmds = [BotCommand(command=c, description=d) for c, d in commands]
            with contextlib.suppress(Exception):
                await self._retrying(lambda c=cmds, lang=lang: self.bot.set_my_commands(c, language_code=lang),
                                     attempts=3)
        settings = self.runtime.settings
        if settings.base_url.startswith("https://") or settings.sandbox_enabled:  # Telegram opens HTTPS Mini Apps only
            button = MenuButtonWebApp(text=translator(settings.default_language)("items.menu.agenda"),
                                      web_app=WebAppInfo(url=agenda_url(settings.base_url)))
            with contextlib.suppress(Exception):  # the chat's menu button opens the agenda Mini App
                await self._retrying(lambda: self.bot.set_chat_menu_button(menu_button=button), attempts=3)

    @staticmethod
    async def _retrying(call: object, attempts: int = 1000) -> None:
        delay = 0.2
        for _ in range(attempts):
            try:
                await call()  # type: ignore[operator]
                return
            except Exception as exc:
                log.warning("bot.startup_call_failed", error=str(exc))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)

    async def _heartbeat(self) -> None:
        name = f"{self.role}:{socket.gethostname()}:{os.getpid()}"
        while True:
            with contextlib.suppress(Exception):
                async with self.runtime.unit_of_work() as session:
                    await heartbeat.beat(session, name, self.role)
            await asyncio.sleep(10)

    async def stop_ingress(self) -> None:
        """Take no more updates (the first step of stopping): a long poll in flight is abandoned, and Telegram keeps
        what it was not told was stored."""
        if self.poller is not None:
            self.poller.stop()
        if self._ingress_task is not None:
            self._ingress_task.cancel()
            await asyncio.gather(self._ingress_task, return_exceptions=True)

    async def stop(self) -> None:
        if self.poller is not None:
            self.poller.stop()
        await self.consumer.stop()
        await self.sender.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.bot.session.close()
