"""Read the routing keys (chat, user) out of a raw Telegram update dict."""

from __future__ import annotations

from typing import Any

from core.db.values import is_bigint

_CARRIERS = ("message", "edited_message", "channel_post", "edited_channel_post", "business_message")


class BadUpdate(ValueError):
    """An update that cannot be routed or keyed: not an object, no 64-bit update_id, a message without a chat, an id
    that is not a 64-bit integer. Its message names what is wrong, never a value from the update."""


def update_id_of(update: Any) -> int:
    """The update's id, a 64-bit integer, or BadUpdate."""
    update_id = update.get("update_id") if isinstance(update, dict) else None
    if not is_bigint(update_id):
        raise BadUpdate("update_id is not a 64-bit integer")
    return update_id


def route_of(update: dict[str, Any]) -> tuple[int, int | None]:
    """(chat_id, user_id) of an update. Updates without a chat go to the user's private chat; updates
    with neither (rare service updates) share chat 0. BadUpdate when an id is missing where Telegram always sends
    one, or is not a 64-bit integer."""
    for key in _CARRIERS:
        if (msg := update.get(key)) is not None:
            chat_id = _chat_id(_object(msg, key).get("chat"), key)
            return chat_id, None if msg.get("from") is None else _user_id(msg, key)
    if (cb := update.get("callback_query")) is not None:
        user_id = _user_id(_object(cb, "callback_query"), "callback_query")
        msg = _object(cb.get("message") or {}, "callback_query.message")
        chat = msg.get("chat")
        return (user_id if chat is None else _chat_id(chat, "callback_query.message")), user_id
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(value.get("from"), dict):
            user_id = _user_id(value, key)
            chat = value.get("chat")
            return (user_id if chat is None else _chat_id(chat, key)), user_id
        if key != "update_id" and isinstance(value, dict) and isinstance(value.get("chat"), dict):
            return _chat_id(value["chat"], key), None
    return 0, None


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadUpdate(f"{where} is not an object")
    return value


def _chat_id(chat: Any, where: str) -> int:
    if not isinstance(chat, dict):
        raise BadUpdate(f"{where} has no chat")
    if not is_bigint(chat_id := chat.get("id")):
        raise BadUpdate(f"{where}.chat.id is not a 64-bit integer")
    return chat_id


def _user_id(carrier: dict[str, Any], where: str) -> int:
    if not is_bigint(user_id := _object(carrier.get("from"), f"{where}.from").get("id")):
        raise BadUpdate(f"{where}.from.id is not a 64-bit integer")
    return user_id
