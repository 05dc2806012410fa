"""The sandbox's records. Each is a plain dataclass stored as one JSON record (see store.py)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Self

JSON = dict[str, Any]

BOT_FIRST_NAME = "Secretary Sandbox"
BOT_USERNAME = "secretary_sandbox_bot"


class Record:
    """Round-trip to the JSON kept by the store."""

    def to_record(self) -> JSON:
        return dataclasses.asdict(self)  # type: ignore[call-overload, no-any-return]

    @classmethod
    def from_record(cls, data: JSON) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class BotRecord(Record):
    id: int
    token: str
    webhook: JSON = field(default_factory=dict)  # url, secret_token, max_connections, allowed_updates, errors
    allowed_updates: list[str] = field(default_factory=list)
    commands: dict[str, list[JSON]] = field(default_factory=dict)  # "<scope json>|<language>" -> commands
    menu_buttons: dict[str, JSON] = field(default_factory=dict)  # "default" or chat id -> MenuButton
    profile: dict[str, str] = field(default_factory=dict)  # name, description, short_description
    admin_rights: dict[str, JSON] = field(default_factory=dict)  # "groups" / "channels" -> ChatAdministratorRights

    def user_json(self) -> JSON:
        return {"id": self.id, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}

    @property
    def webhook_url(self) -> str:
        return str(self.webhook.get("url") or "")

    def wants(self, update: JSON) -> bool:
        """Whether `allowed_updates` lets this update through (Telegram drops the others)."""
        return not self.allowed_updates or update_kind(update) in self.allowed_updates

    def menu_button_for(self, chat_id: int | None) -> JSON:
        """The menu button a chat shows: its own, else the bot's default, else the commands list."""
        for key in (str(chat_id), "default"):
            button = self.menu_buttons.get(key)
            if button and button.get("type") != "default":
                return button
        return {"type": "commands"}


def update_kind(update: JSON) -> str:
    return next((k for k in update if k != "update_id"), "")


@dataclass
class ChatRecord(Record):
    id: int
    first_name: str = ""
    title: str = ""
    is_forum: bool = False
    topics: dict[str, JSON] = field(default_factory=dict)  # thread id -> {name, icon_color, closed}
    reply_keyboard: JSON | None = None  # the reply keyboard the bot last showed, until removed
    members: dict[str, JSON] = field(default_factory=dict)  # user id -> {"status", "until_date", "permissions"}
    left_bots: list[int] = field(default_factory=list)  # bots that called leaveChat
    general_topic_name: str = "General"

    @property
    def type(self) -> str:
        return "private" if self.id > 0 else "supergroup"

    def chat_json(self) -> JSON:
        if self.id > 0:
            return {"id": self.id, "type": "private", "first_name": self.first_name or f"User {self.id}"}
        chat: JSON = {"id": self.id, "type": "supergroup", "title": self.title or f"Sandbox group {self.id}"}
        if self.is_forum:
            chat["is_forum"] = True
        return chat


@dataclass
class StoredMessage(Record):
    chat_id: int
    message_id: int
    message: JSON  # the Telegram Message object as the Bot API returns it
    deleted: bool = False

    @property
    def key(self) -> str:
        return f"{self.chat_id}:{self.message_id}"

    @property
    def from_bot(self) -> bool:
        return bool(self.message.get("from", {}).get("is_bot"))

    @property
    def sender_id(self) -> int | None:
        sender = self.message.get("from")
        return int(sender["id"]) if sender else None


@dataclass
class FileRecord(Record):
    file_id: str
    file_unique_id: str
    file_path: str
    file_size: int
    kind: str  # document, photo, voice, audio, video, animation, sticker, video_note
    mime_type: str | None = None
    file_name: str | None = None
    width: int | None = None
    height: int | None = None

    def file_json(self) -> JSON:
        return {
            "file_id": self.file_id, "file_unique_id": self.file_unique_id,
            "file_size": self.file_size, "file_path": self.file_path,
        }


@dataclass
class CallbackRecord(Record):
    id: str
    bot_id: int | None
    chat_id: int
    message_id: int
    user_id: int
    data: str
    date: int
    answer: JSON | None = None  # {"text", "show_alert", "url", "cache_time"} once answered
    created: float = 0.0  # time.time() when pressed: answers are refused after Options.callback_timeout
