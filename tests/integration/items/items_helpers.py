"""Helpers for the secretary's sandbox tests: buttons, presses by a given user, the items in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.items.models import Item
from core.users.service import ensure_user
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def button(message: dict[str, Any], text: str) -> dict[str, Any]:
    found = [b for b in buttons(message) if text in b["text"]]
    assert found, f"no button {text!r} in {[b['text'] for b in buttons(message)]}"
    return found[0]


async def press(sandbox: SandboxClient, chat_id: int, message: dict[str, Any], text: str,
                user_id: int | None = None) -> dict[str, Any]:
    body = {"chat_id": chat_id, "message_id": message["message_id"], "data": button(message, text)["callback_data"]}
    if user_id is not None:
        body["user_id"] = user_id
    r = await sandbox.http.post("/callbacks", json=body)
    r.raise_for_status()
    result: dict[str, Any] = r.json()
    return result


async def callback_answer(sandbox: SandboxClient, query_id: str, timeout: float = 15.0) -> dict[str, Any]:
    """The callback answer once the bot has given it."""
    return await sandbox.callback_answer(query_id, timeout)


async def edited(sandbox: SandboxClient, chat_id: int, message_id: int, fragment: str) -> dict[str, Any]:
    msgs = await sandbox.wait_for(chat_id, lambda ms: any(
        m["message_id"] == message_id and fragment in (m["text"] or "") for m in ms))
    return next(m for m in msgs if m["message_id"] == message_id)


async def reply(sandbox: SandboxClient, chat_id: int, text: str, language: str = "en") -> dict[str, Any]:
    """Say ``text`` and return the bot's next new message (not an edit of an older one)."""
    count = len(await sandbox.bot_messages(chat_id))
    await sandbox.say(chat_id, text, language_code=language)
    msgs = await sandbox.wait_for(chat_id, lambda ms: len(ms) > count)
    return msgs[count]


async def items_of(app: BotServices, user_id: int) -> list[Item]:
    async with app.runtime.session_factory() as s:
        return list((await s.scalars(select(Item).where(Item.user_id == user_id).order_by(Item.number))).all())


def local(value: dt.datetime | None, tz: str = "Europe/Moscow") -> dt.datetime:
    assert value is not None
    return value.astimezone(ZoneInfo(tz))


def zone_near_noon(now: dt.datetime | None = None) -> str:
    """A fixed-offset zone where it is about noon now, so that "today" is far from midnight in a test."""
    hour = (now or dt.datetime.now(dt.UTC)).hour
    offset = 12 - hour
    if offset > 14:
        offset -= 24
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"


async def make_user(app: BotServices, user_id: int, language: str = "en", tz: str = "Europe/Moscow") -> None:
    async with app.runtime.unit_of_work() as s:
        user = await ensure_user(s, user_id, first_name="Test", language_code=language)
        user.timezone = tz
