"""Where a chat message is, for the items made of it: its chat, id and album, and whom a forward came from."""

from __future__ import annotations

from aiogram.types import (
    Chat,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)

from core.items.messages import Origin

MAX_SOURCE = 255  # the column's length


def _chat_name(chat: Chat, signature: str | None) -> str:
    name = chat.title or chat.full_name or str(chat.id)
    name += f" (@{chat.username})" if chat.username else ""
    return f"{name}, {signature}" if signature else name


def forwarded_from(message: Message) -> str | None:
    """"Ann (@ann)", "Bob" (who hides their account), "News (@news)", "Team chat, Ann" — or None (not forwarded)."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser):
        user = origin.sender_user
        name = user.full_name + (f" (@{user.username})" if user.username else "")
    elif isinstance(origin, MessageOriginHiddenUser):
        name = origin.sender_user_name
    elif isinstance(origin, MessageOriginChat):
        name = _chat_name(origin.sender_chat, origin.author_signature)
    elif isinstance(origin, MessageOriginChannel):
        name = _chat_name(origin.chat, origin.author_signature)
    else:
        return None
    return name[:MAX_SOURCE]


def origin_of(message: Message) -> Origin:
    source = forwarded_from(message)
    return Origin(chat_id=message.chat.id, message_id=message.message_id, media_group_id=message.media_group_id,
                  forwarded_from=source,
                  forwarded_at=message.forward_origin.date if source is not None and message.forward_origin else None)
