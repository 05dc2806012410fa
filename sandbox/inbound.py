"""What a person does in the sandbox — type, send a voice or a file, press a button, open a Mini App —
turned into the updates a bot receives."""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from pydantic import BaseModel

from sandbox.compose import MAX_CAPTION, MAX_TEXT, add_user_message, snapshot
from sandbox.entities import detect_entities, utf16_len
from sandbox.errors import ApiError
from sandbox.files import audio_duration, media_json, store_file
from sandbox.initdata import build_init_data, launch_fragment
from sandbox.models import JSON, CallbackRecord
from sandbox.service import Sandbox
from sandbox.state import now


class Sender(BaseModel):
    """Who sends and where; user_id defaults to chat_id (a private chat)."""

    chat_id: int
    user_id: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    bot_id: int | None = None
    reply_to_message_id: int | None = None
    message_thread_id: int | None = None

    @property
    def uid(self) -> int:
        if self.user_id is not None:
            return self.user_id
        if self.chat_id < 0:
            raise ApiError.bad_request("user_id is required for group chats")
        return self.chat_id

    def profile(self) -> dict[str, Any]:
        return {"first_name": self.first_name, "last_name": self.last_name, "username": self.username,
                "language_code": self.language_code}


def _post(sandbox: Sandbox, sender: Sender, content: JSON) -> tuple[int, int]:
    stored = add_user_message(sandbox, chat_id=sender.chat_id, user_id=sender.uid, content=content,
                              reply_to_message_id=sender.reply_to_message_id,
                              message_thread_id=sender.message_thread_id, profile=sender.profile())
    update_id = sandbox.enqueue(sandbox.target_bot_id(sender.bot_id), {"message": stored.message})
    return update_id, stored.message_id


def send_text(sandbox: Sandbox, sender: Sender, text: str) -> tuple[int, int]:
    if not text.strip():
        raise ApiError.bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:  # Telegram's apps refuse to send a longer message
        raise ApiError.bad_request(f"message text is too long (at most {MAX_TEXT} characters)")
    return _post(sandbox, sender, {"text": text})


def send_file(sandbox: Sandbox, sender: Sender, kind: str, data: bytes, filename: str | None,
              content_type: str | None, *, caption: str | None = None, duration: int | None = None) -> tuple[int, int]:
    """A voice, document, photo or audio message; returns (update_id, message_id)."""
    if not data:
        raise ApiError.bad_request("file must be non-empty")
    rec = store_file(sandbox.state, kind, data, filename, content_type)
    if duration is None and kind in ("voice", "audio"):
        duration = audio_duration(data)
    content: JSON = {kind: media_json(rec, kind, duration=duration)}
    if caption:
        content["caption"] = caption
    return _post(sandbox, sender, content)


MAX_ALBUM = 10
ORIGIN_TYPES = ("user", "hidden_user", "chat", "channel")


def send_forward(sandbox: Sandbox, sender: Sender, text: str, origin: JSON) -> tuple[int, int]:
    """A text the person forwards from elsewhere: ``origin`` is a MessageOrigin of the Bot API (its ``date`` defaults
    to now)."""
    if origin.get("type") not in ORIGIN_TYPES:
        raise ApiError.bad_request(f"forward_origin.type must be one of {', '.join(ORIGIN_TYPES)}")
    if not text.strip():
        raise ApiError.bad_request("message text is empty")
    return _post(sandbox, sender, {"text": text, "forward_origin": {"date": now(), **origin}})


def edit_message(sandbox: Sandbox, sender: Sender, message_id: int, *, text: str | None = None,
                 caption: str | None = None) -> tuple[int, int]:
    """The person edits a message of theirs (its text, or a media message's caption): the bot gets an
    ``edited_message`` with the whole message as it now reads and an ``edit_date``."""
    stored = sandbox.state.message(sender.chat_id, message_id)
    if stored is None or stored.from_bot or stored.sender_id != sender.uid:
        raise ApiError.bad_request("message can't be edited")
    message = stored.message
    if "text" in message:
        if text is None or not text.strip():
            raise ApiError.bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise ApiError.bad_request(f"message text is too long (at most {MAX_TEXT} characters)")
        if text == message["text"]:
            raise ApiError.bad_request("message is not modified")
        message["text"] = text
        message.pop("entities", None)
        if entities := detect_entities(text):
            message["entities"] = entities
    elif caption is not None:
        if utf16_len(caption) > MAX_CAPTION:
            raise ApiError.bad_request("message caption is too long")
        message.pop("caption_entities", None)
        if caption:
            message["caption"] = caption
        else:
            message.pop("caption", None)
    else:
        raise ApiError.bad_request("there is no text in the message to edit; give a caption")
    message["edit_date"] = now()
    sandbox.state.save_message(stored)
    update_id = sandbox.enqueue(sandbox.target_bot_id(sender.bot_id), {"edited_message": message})
    return update_id, message_id


def send_album(sandbox: Sandbox, sender: Sender, files: list[tuple[bytes, str | None, str | None]], *,
               caption: str | None = None) -> tuple[list[int], list[int], str]:
    """2–10 photos sent at once: one message per photo, all with one ``media_group_id`` and the caption on the first,
    each a separate update (as Telegram delivers albums). Returns (update ids, message ids, media_group_id)."""
    if not 2 <= len(files) <= MAX_ALBUM:
        raise ApiError.bad_request(f"an album has 2 to {MAX_ALBUM} photos")
    if caption and utf16_len(caption) > MAX_CAPTION:
        raise ApiError.bad_request("message caption is too long")
    group_id = str(secrets.randbits(60))
    update_ids, message_ids = [], []
    for n, (data, filename, content_type) in enumerate(files):
        if not data:
            raise ApiError.bad_request("file must be non-empty")
        rec = store_file(sandbox.state, "photo", data, filename, content_type)
        content: JSON = {"photo": media_json(rec, "photo"), "media_group_id": group_id}
        if caption and n == 0:
            content["caption"] = caption
        update_id, message_id = _post(sandbox, sender, content)
        update_ids.append(update_id)
        message_ids.append(message_id)
    return update_ids, message_ids, group_id


def send_web_app_data(sandbox: Sandbox, sender: Sender, data: str, button_text: str) -> tuple[int, int]:
    """What Telegram.WebApp.sendData() produces from a Mini App opened by a reply keyboard button."""
    return _post(sandbox, sender, {"web_app_data": {"data": data, "button_text": button_text}})


def press_button(sandbox: Sandbox, sender: Sender, message_id: int, data: str) -> tuple[int, str]:
    """A callback query for an inline button of `message_id`; returns (update_id, callback_query_id)."""
    stored = sandbox.state.message(sender.chat_id, message_id)
    if stored is None:
        raise ApiError.bad_request("message not found")
    user = sandbox.state.user(sender.uid, **sender.profile())
    bot_id = sender.bot_id
    if bot_id is None and stored.from_bot:
        bot_id = stored.sender_id
    bot_id = sandbox.target_bot_id(bot_id)
    query_id = str(secrets.randbits(63))
    sandbox.state.add_callback(CallbackRecord(id=query_id, bot_id=bot_id, chat_id=sender.chat_id,
                                              message_id=message_id, user_id=sender.uid, data=data, date=now(),
                                              created=time.time()))
    update_id = sandbox.enqueue(bot_id, {"callback_query": {
        "id": query_id, "from": user, "message": snapshot(stored), "chat_instance": chat_instance(sender.chat_id),
        "data": data,
    }})
    return update_id, query_id


def chat_instance(chat_id: int) -> str:
    """A stable opaque id for the chat, as Telegram gives in callback queries and initData."""
    return str(int(hashlib.sha256(f"sandbox-chat:{chat_id}".encode()).hexdigest()[:15], 16))


def init_data(sandbox: Sandbox, sender: Sender, *, with_query: bool = False,
              start_param: str | None = None) -> JSON:
    """Signed Mini App initData for this person, with the token of the given (or last seen) bot."""
    bot_id = sandbox.target_bot_id(sender.bot_id)
    bot = sandbox.state.bots.get(bot_id) if bot_id is not None else None
    if bot is None:
        raise ApiError(409, "no bot has connected to the sandbox yet")
    user = sandbox.state.user(sender.uid, **sender.profile())
    query_id = None
    if with_query:
        query_id = "AAH" + secrets.token_urlsafe(18)
        sandbox.state.add_webapp_query(query_id, {"chat_id": sender.chat_id, "user_id": sender.uid, "bot_id": bot.id})
    data = build_init_data(bot.token, user, chat_type="sender" if sender.chat_id > 0 else "supergroup",
                           chat_instance=chat_instance(sender.chat_id), query_id=query_id, start_param=start_param)
    return {"init_data": data, "fragment": launch_fragment(data), "bot_id": bot.id}
