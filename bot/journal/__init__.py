"""The journal in the chat: proposal cards from messages, /j, /again, /stats."""
