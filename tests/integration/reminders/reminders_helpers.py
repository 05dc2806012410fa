"""Helpers for the reminder tests (imported as a top-level module)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sqlalchemy import select, update

from core.db.base import utcnow
from core.items import service as items
from core.items.models import Item, ItemKind
from core.queue.models import Job
from core.runtime import Runtime
from core.users.service import ensure_user
from tests.support.bot import running_bot  # noqa: F401 (the tests import it from here)
from tests.support.sandbox import SandboxClient


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


async def press(sandbox: SandboxClient, chat_id: int, message: dict[str, Any], text: str) -> None:
    (data,) = [b["callback_data"] for b in buttons(message) if b["text"] == text]
    await sandbox.press(chat_id, message["message_id"], data)


async def new_item(runtime: Runtime, user_id: int, kind: ItemKind, title: str, start: dt.datetime,
                   *, language: str = "en", duration: int | None = None) -> Item:
    async with runtime.unit_of_work() as s:
        await ensure_user(s, user_id, language_code=language)
        item = await items.new_item(s, user_id, kind, title, title)
        await items.schedule(s, item, start, duration)
    return item


async def reminders_of(sandbox: SandboxClient, chat_id: int) -> list[dict[str, Any]]:
    return [m for m in await sandbox.bot_messages(chat_id) if (m["text"] or "").startswith(("⏰", "🗓"))]


async def fire_jobs(runtime: Runtime, kind: str = "reminders.fire") -> list[Job]:
    async with runtime.session_factory() as s:
        return list((await s.scalars(select(Job).where(Job.kind == kind).order_by(Job.id))).all())


async def make_due(runtime: Runtime, job_id: int) -> None:
    """Time passes: the delayed job is due now."""
    async with runtime.unit_of_work() as s:
        await s.execute(update(Job).where(Job.id == job_id).values(available_at=utcnow()))


async def stay_quiet(sandbox: SandboxClient, chat_id: int, seconds: float, expected: int) -> None:
    """For ``seconds``, the chat keeps exactly ``expected`` reminders."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        assert len(await reminders_of(sandbox, chat_id)) == expected
        await asyncio.sleep(0.1)
