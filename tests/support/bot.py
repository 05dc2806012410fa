"""Fixtures of the tests that run the real aiogram bot (ingress, consumers, outbox sender, in-process jobs) against
the sandbox; every test folder has them (a plugin of tests/conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from core.config import Settings
from core.runtime import Runtime
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient, running_sandbox
from worker.inprocess import InProcessRunner


@pytest.fixture
async def sandbox_url() -> AsyncIterator[str]:
    async with running_sandbox() as url:
        yield url


@pytest.fixture
async def sandbox(sandbox_url: str) -> AsyncIterator[SandboxClient]:
    client = SandboxClient(sandbox_url)
    yield client
    await client.close()


def bot_settings(settings: Settings, sandbox_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_api_base": sandbox_url, "queue_backoff_base": 0.05, "queue_backoff_max": 0.2,
        "queue_max_attempts": 3, "outbox_chat_burst": 100, "outbox_chat_rate": 100.0, "outbox_global_rate": 1000.0,
    }
    values.update(overrides)
    return settings.model_copy(update=values)


@asynccontextmanager
async def running_bot(runtime: Runtime, sandbox_url: str) -> AsyncIterator[BotServices]:
    """A bot process with its in-process job runner; leaving the block stops both (like a restart)."""
    runtime.settings = bot_settings(runtime.settings, sandbox_url)
    runner = InProcessRunner(runtime, poll_interval=0.2)
    task = asyncio.create_task(runner.run())
    services = BotServices(runtime)
    await services.start()
    try:
        yield services
    finally:
        await services.stop()
        await runner.stop(grace=5)  # a job running finishes, as on a normal stop
        await asyncio.gather(task, return_exceptions=True)
        runtime.outbox_listeners.clear()


@pytest.fixture
async def bot_app(runtime: Runtime, sandbox_url: str) -> AsyncIterator[BotServices]:
    async with running_bot(runtime, sandbox_url) as services:
        yield services
