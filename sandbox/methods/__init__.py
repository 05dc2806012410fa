"""Bot API methods; importing this package registers them all (see sandbox.registry)."""

from sandbox.methods import chats, media, messages, updates

__all__ = ["chats", "media", "messages", "updates"]
