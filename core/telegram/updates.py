"""Read the routing keys (chat, user) out of a raw Telegram update dict."""

from __future__ import annotations

from typing import Any

_CARRIERS = ("message", "edited_message", "channel_post", "edited_channel_post", "business_message")


def route_of(update: dict[str, Any]) -> tuple[int, int | None]:
    """(chat_id, user_id) of an update. Updates without a chat go to the user's private chat; updates
    with neither (rare service updates) share chat 0."""
    for key in _CARRIERS:
        if (msg := update.get(key)) is not None:
            user = msg.get("from") or {}
            return int(msg["chat"]["id"]), user.get("id")
    if (cb := update.get("callback_query")) is not None:
        user_id = cb["from"]["id"]
        msg = cb.get("message") or {}
        chat = msg.get("chat") or {}
        return int(chat.get("id", user_id)), user_id
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(value.get("from"), dict):
            user_id = value["from"]["id"]
            chat = value.get("chat") or {}
            return int(chat.get("id", user_id)), user_id
        if key != "update_id" and isinstance(value, dict) and isinstance(value.get("chat"), dict):
            return int(value["chat"]["id"]), None
    return 0, None
