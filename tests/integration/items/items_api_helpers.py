"""Helpers for the items API tests: the sign-in fixture's type, what the bot was asked to say in a chat."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select

from core.runtime import Runtime
from core.telegram.models import OutboxMessage

SignIn = Callable[..., Awaitable[dict[str, str]]]


async def chat(runtime: Runtime, chat_id: int) -> list[tuple[str, dict[str, Any]]]:
    """What the bot was asked to do in a chat (method, payload), in order."""
    async with runtime.session_factory() as s:
        rows = await s.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id))
        return [(row.method, row.payload) for row in rows]


def texts(messages: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [payload["text"] for method, payload in messages if method == "sendMessage"]
