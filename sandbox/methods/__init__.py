"""Bot API methods; importing this package registers them all (see sandbox.registry)."""

from sandbox.methods import admin, chats, content, inline, media, messages, updates

__all__ = ["admin", "chats", "content", "inline", "media", "messages", "updates"]
