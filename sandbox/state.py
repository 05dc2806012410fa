"""The sandbox's world: bots, chats, messages, pending updates, files, callback queries.

Everything lives in memory and is written through to the store on each change. Counters (update ids,
message ids) only ever grow, even across `reset()`, so a running bot's offset and any inbox keyed on
update ids stay valid.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator
from typing import Any

from sandbox.models import JSON, BotRecord, CallbackRecord, ChatRecord, FileRecord, StoredMessage
from sandbox.schema import normalize
from sandbox.store import Store

CONVERSATION_KINDS = ["chat", "message", "update", "file", "callback", "user", "webapp_query", "poll", "inline_query"]
_FILE_PREFIX = {"document": "BQAC", "photo": "AgAC", "voice": "AwAC", "audio": "CQAC", "video": "BAAC",
                "animation": "CgAC", "sticker": "CAAC", "video_note": "DQAC"}
_FILE_DIR = {"document": "documents", "photo": "photos", "voice": "voice", "audio": "music", "video": "videos",
             "animation": "animations", "sticker": "stickers", "video_note": "video_notes"}


def now() -> int:
    return int(time.time())


class SandboxState:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.bots: dict[int, BotRecord] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.chat_order: dict[int, list[int]] = {}
        self.updates: dict[int | None, dict[int, JSON]] = {}  # bot id (None: no bot yet) -> id -> update
        self.files: dict[str, FileRecord] = {}
        self.file_paths: dict[str, str] = {}  # file_path -> file_id
        self.callbacks: dict[str, CallbackRecord] = {}
        self.users: dict[int, JSON] = {}
        self.webapp_queries: dict[str, JSON] = {}
        self.polls: dict[str, JSON] = {}  # poll id -> {"poll", "chat_id", "message_id", "bot_id", "votes"}
        self.inline_queries: dict[str, JSON] = {}  # id -> {"bot_id", "user_id", "query", "created", "answer"}
        self.drafts: dict[int, JSON] = {}  # in memory only: the draft a bot is streaming to a chat (sendMessageDraft)
        self.counters: JSON = {"update_id": 0, "message_id": 0, "file": 0, "current_bot_id": None}
        self.chat_actions: dict[int, JSON] = {}  # in memory only: the last sendChatAction per chat
        self._signals: dict[int | None, asyncio.Event] = {}
        self._load()

    # --- persistence ---------------------------------------------------------------------------------

    def _load(self) -> None:
        records = self.store.load()
        self.counters.update(records.get("meta", {}).get("counters", {}))
        for data in records.get("bot", {}).values():
            bot = BotRecord.from_record(data)
            self.bots[bot.id] = bot
        for data in records.get("chat", {}).values():
            chat = ChatRecord.from_record(data)
            self.chats[chat.id] = chat
        for data in records.get("message", {}).values():
            self._index_message(StoredMessage.from_record(data))
        for data in sorted(records.get("update", {}).values(), key=lambda r: r["update_id"]):
            self.updates.setdefault(data["bot_id"], {})[data["update_id"]] = data["update"]
        for data in records.get("file", {}).values():
            rec = FileRecord.from_record(data)
            self.files[rec.file_id] = rec
            self.file_paths[rec.file_path] = rec.file_id
        for data in records.get("callback", {}).values():
            cb = CallbackRecord.from_record(data)
            self.callbacks[cb.id] = cb
        self.users = {int(k): v for k, v in records.get("user", {}).items()}
        self.webapp_queries = dict(records.get("webapp_query", {}))
        self.polls = dict(records.get("poll", {}))
        self.inline_queries = dict(records.get("inline_query", {}))

    def _save_counters(self) -> None:
        self.store.put("meta", "counters", self.counters)

    def save_bot(self, bot: BotRecord) -> None:
        self.store.put("bot", str(bot.id), bot.to_record())

    def save_chat(self, chat: ChatRecord) -> None:
        self.store.put("chat", str(chat.id), chat.to_record())

    def save_message(self, msg: StoredMessage) -> None:
        msg.message = normalize(msg.message, "Message")  # what Telegram keeps: documented fields only
        self.store.put("message", msg.key, msg.to_record())

    def save_callback(self, cb: CallbackRecord) -> None:
        self.store.put("callback", cb.id, cb.to_record())

    def reset(self, *, forget_bots: bool = False) -> None:
        """Forget conversations (and bots if asked); counters keep growing."""
        kinds = CONVERSATION_KINDS + (["bot"] if forget_bots else [])
        self.store.clear(kinds)
        self.chats.clear()
        self.messages.clear()
        self.chat_order.clear()
        self.updates.clear()
        self.files.clear()
        self.file_paths.clear()
        self.callbacks.clear()
        self.users.clear()
        self.webapp_queries.clear()
        self.polls.clear()
        self.inline_queries.clear()
        self.drafts.clear()
        self.chat_actions.clear()
        if forget_bots:
            self.bots.clear()
            self.counters["current_bot_id"] = None
            self._save_counters()
        self.notify_all()

    # --- bots ----------------------------------------------------------------------------------------

    def bot_for_token(self, bot_id: int, token: str) -> BotRecord:
        bot = self.bots.get(bot_id)
        if bot is None:
            bot = BotRecord(id=bot_id, token=token)
            self.bots[bot_id] = bot
            self.save_bot(bot)
        elif bot.token != token:
            bot.token = token  # latest token for this bot id wins (used to sign Mini App initData)
            self.save_bot(bot)
        return bot

    def mark_seen(self, bot: BotRecord) -> None:
        """This bot becomes the one that receives updates made through the control API."""
        if self.counters["current_bot_id"] == bot.id:
            return
        self.counters["current_bot_id"] = bot.id
        self._save_counters()
        orphans = self.updates.pop(None, {})
        if orphans:
            queue = self.updates.setdefault(bot.id, {})
            for update_id, update in orphans.items():
                queue[update_id] = update
                self.store.put("update", str(update_id), {"update_id": update_id, "bot_id": bot.id,
                                                          "update": update})
            self.updates[bot.id] = dict(sorted(queue.items()))
            self.notify(bot.id)

    @property
    def current_bot(self) -> BotRecord | None:
        bot_id = self.counters.get("current_bot_id")
        return self.bots.get(bot_id) if bot_id is not None else None

    # --- chats, users, messages ----------------------------------------------------------------------

    def chat(self, chat_id: int) -> ChatRecord:
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = ChatRecord(id=chat_id, first_name=self.users.get(chat_id, {}).get("first_name", ""))
            self.chats[chat_id] = chat
            self.save_chat(chat)
        return chat

    def user(self, user_id: int, **profile: Any) -> JSON:
        """The User object for a person; given profile fields (first_name, language_code...) are remembered."""
        user = self.users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        changed = user_id not in self.users
        for key, value in profile.items():
            if value and user.get(key) != value:
                user[key] = value
                changed = True
        if changed:
            self.users[user_id] = user
            self.store.put("user", str(user_id), user)
            chat = self.chats.get(user_id)
            if chat is not None and chat.first_name != user["first_name"]:
                chat.first_name = user["first_name"]
                self.save_chat(chat)
        return dict(user)

    def next_message_id(self) -> int:
        self.counters["message_id"] += 1
        self._save_counters()
        return int(self.counters["message_id"])

    def add_message(self, chat_id: int, message_id: int, message: JSON) -> StoredMessage:
        stored = StoredMessage(chat_id=chat_id, message_id=message_id, message=normalize(message, "Message"))
        self._index_message(stored)
        self.save_message(stored)
        return stored

    def _index_message(self, stored: StoredMessage) -> None:
        self.messages[(stored.chat_id, stored.message_id)] = stored
        self.chat_order.setdefault(stored.chat_id, []).append(stored.message_id)

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        stored = self.messages.get((chat_id, message_id))
        return stored if stored is not None and not stored.deleted else None

    def chat_messages(self, chat_id: int, *, include_deleted: bool = False) -> Iterator[StoredMessage]:
        for message_id in self.chat_order.get(chat_id, []):
            stored = self.messages[(chat_id, message_id)]
            if include_deleted or not stored.deleted:
                yield stored

    # --- updates -------------------------------------------------------------------------------------

    def enqueue_update(self, bot_id: int | None, payload: JSON) -> int:
        """Queue an update (payload without update_id) for a bot; None parks it until a bot connects."""
        self.counters["update_id"] += 1
        update_id = int(self.counters["update_id"])
        self._save_counters()
        update = normalize({"update_id": update_id, **payload}, "Update")
        self.updates.setdefault(bot_id, {})[update_id] = update
        self.store.put("update", str(update_id), {"update_id": update_id, "bot_id": bot_id, "update": update})
        self.notify(bot_id)
        return update_id

    def pending(self, bot_id: int) -> list[JSON]:
        return list(self.updates.get(bot_id, {}).values())

    def confirm_below(self, bot_id: int, offset: int) -> None:
        queue = self.updates.get(bot_id, {})
        for update_id in [u for u in queue if u < offset]:
            self.remove_update(bot_id, update_id)

    def remove_update(self, bot_id: int, update_id: int) -> None:
        if self.updates.get(bot_id, {}).pop(update_id, None) is not None:
            self.store.delete("update", str(update_id))

    def drop_pending(self, bot_id: int) -> None:
        for update_id in list(self.updates.get(bot_id, {})):
            self.remove_update(bot_id, update_id)

    # --- wake-ups for long polling and webhook delivery ----------------------------------------------

    def signal(self, bot_id: int | None) -> asyncio.Event:
        """An event set at the next change for this bot (a new update, a webhook change, a reset)."""
        event = self._signals.get(bot_id)
        if event is None:
            event = self._signals[bot_id] = asyncio.Event()
        return event

    def notify(self, bot_id: int | None) -> None:
        event = self._signals.pop(bot_id, None)
        if event is not None:
            event.set()

    def notify_all(self) -> None:
        for bot_id in list(self._signals):
            self.notify(bot_id)

    # --- files ---------------------------------------------------------------------------------------

    def add_file(self, kind: str, data: bytes, *, mime_type: str | None = None, file_name: str | None = None,
                 extension: str = "", width: int | None = None, height: int | None = None) -> FileRecord:
        self.counters["file"] += 1
        number = int(self.counters["file"])
        self._save_counters()
        unique = "AgAD" + secrets.token_urlsafe(9)
        rec = FileRecord(
            file_id=_FILE_PREFIX.get(kind, "BQAC") + "AgIAAxkBAA" + secrets.token_urlsafe(24),
            file_unique_id=unique,
            file_path=f"{_FILE_DIR.get(kind, 'documents')}/file_{number}{extension}",
            file_size=len(data), kind=kind, mime_type=mime_type, file_name=file_name, width=width, height=height,
        )
        self.store.put_blob(unique, data)
        self.files[rec.file_id] = rec
        self.file_paths[rec.file_path] = rec.file_id
        self.store.put("file", rec.file_id, rec.to_record())
        return rec

    def file_by_path(self, file_path: str) -> FileRecord | None:
        file_id = self.file_paths.get(file_path)
        return self.files.get(file_id) if file_id else None

    def file_content(self, rec: FileRecord) -> bytes | None:
        return self.store.get_blob(rec.file_unique_id)

    # --- callback queries and Mini App sessions ------------------------------------------------------

    def add_callback(self, cb: CallbackRecord) -> None:
        self.callbacks[cb.id] = cb
        self.save_callback(cb)

    def save_poll(self, poll_id: str) -> None:
        self.store.put("poll", poll_id, self.polls[poll_id])

    def save_inline_query(self, query_id: str) -> None:
        self.store.put("inline_query", query_id, self.inline_queries[query_id])

    def add_webapp_query(self, query_id: str, info: JSON) -> None:
        self.webapp_queries[query_id] = info
        self.store.put("webapp_query", query_id, info)
