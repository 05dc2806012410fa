"""Building Message objects the way Telegram does, for what bots send and what users type."""

from __future__ import annotations

from typing import Any

from sandbox.entities import detect_entities, parse_text, utf16_len
from sandbox.errors import BAD_REPLY_MARKUP, ApiError
from sandbox.models import JSON, BotRecord, ChatRecord, StoredMessage
from sandbox.params import Params
from sandbox.schema import normalize
from sandbox.service import Sandbox
from sandbox.state import now

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
_BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                   "callback_game", "pay")


def clean(value: Any) -> Any:
    """Drop null fields, as Telegram never echoes them back."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def check_reply_markup(raw: Any) -> JSON | None:
    """Validate reply_markup like Telegram; returns it cleaned (None when absent)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ApiError.bad_request(BAD_REPLY_MARKUP)
    markup = clean(raw)
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError.bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array")
        for row in rows:
            for button in row:
                _check_inline_button(button)
        return markup
    if "keyboard" in markup or "remove_keyboard" in markup or "force_reply" in markup:
        return markup
    raise ApiError.bad_request(BAD_REPLY_MARKUP)


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError.bad_request("can't parse inline keyboard button: Text must be a String")
    if not any(key in button for key in _BUTTON_ACTIONS):
        raise ApiError.bad_request("text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and not (isinstance(data, str) and 1 <= len(data.encode()) <= MAX_CALLBACK_DATA):
        raise ApiError.bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not str(button["url"]).strip():
        raise ApiError.bad_request("BUTTON_URL_INVALID")
    web_app = button.get("web_app")
    if web_app is not None and not (isinstance(web_app, dict) and web_app.get("url")):
        raise ApiError.bad_request("BUTTON_TYPE_INVALID")


def inline_markup(markup: JSON | None) -> JSON | None:
    """The reply_markup a Message carries: only a non-empty inline keyboard."""
    if markup and markup.get("inline_keyboard"):
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


def formatted_text(params: Params, too_long: str = "text is too long") -> JSON:
    raw = params.str_("text") or ""
    text, entities = parse_text(raw, params.str_("parse_mode"), params.json_("entities"))
    if not text:
        raise ApiError.bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise ApiError.bad_request(too_long)
    content: JSON = {"text": text}
    if entities:
        content["entities"] = entities
    return content


def formatted_caption(params: Params) -> JSON:
    raw = params.str_("caption")
    if not raw:
        return {}
    caption, entities = parse_text(raw, params.str_("parse_mode"), params.json_("caption_entities"))
    if utf16_len(caption) > MAX_CAPTION:
        raise ApiError.bad_request("message caption is too long")
    content: JSON = {"caption": caption} if caption else {}
    if entities:
        content["caption_entities"] = entities
    return content


def snapshot(stored: StoredMessage) -> JSON:
    """A message as embedded in another one (reply_to_message, callback_query.message)."""
    return {k: v for k, v in stored.message.items() if k != "reply_to_message"}


def _reply_target(sandbox: Sandbox, chat_id: int, params: Params) -> StoredMessage | None:
    reply = params.json_("reply_parameters") or {}
    message_id = reply.get("message_id") if isinstance(reply, dict) else None
    allow_missing = bool(reply.get("allow_sending_without_reply")) if isinstance(reply, dict) else False
    if message_id is None:
        message_id = params.int_("reply_to_message_id")
        allow_missing = params.bool_("allow_sending_without_reply")
    if message_id is None:
        return None
    target_chat = reply.get("chat_id", chat_id) if isinstance(reply, dict) else chat_id
    try:
        target = sandbox.state.message(int(target_chat), int(message_id))
    except (TypeError, ValueError):
        target = None
    if target is None and not allow_missing:
        raise ApiError.bad_request("message to be replied not found")
    return target


def _thread(chat: ChatRecord, thread_id: int | None, reply: StoredMessage | None, *, strict: bool) -> JSON:
    if thread_id is None and reply is not None:
        thread_id = reply.message.get("message_thread_id")
    if thread_id is None:
        return {}
    topic = chat.topics.get(str(thread_id))
    if chat.is_forum and topic is None and strict:
        raise ApiError.bad_request("message thread not found")
    if topic is not None and topic.get("closed") and strict:
        raise ApiError.bad_request("TOPIC_CLOSED")
    fields: JSON = {"message_thread_id": thread_id}
    if topic is not None:
        fields["is_topic_message"] = True
    return fields


def send_bot_message(sandbox: Sandbox, bot: BotRecord, params: Params, content: JSON) -> JSON:
    """Validate and store a message a bot sends; returns the Message object Telegram would return."""
    chat_id = sandbox.require_chat(params.chat_id())
    state = sandbox.state
    markup = check_reply_markup(params.json_("reply_markup"))
    chat = state.chat(chat_id)
    if bot.id in chat.left_bots:
        raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
    reply = _reply_target(sandbox, chat_id, params)
    thread = _thread(chat, params.int_("message_thread_id"), reply, strict=True)
    message: JSON = {"message_id": state.next_message_id(), "from": bot.user_json(), "chat": chat.chat_json(),
                     "date": now(), **thread}
    if reply is not None:
        message["reply_to_message"] = snapshot(reply)
    message.update(content)
    if inline := inline_markup(markup):
        message["reply_markup"] = inline
    if (preview := params.json_("link_preview_options")) and "text" in content:
        message["link_preview_options"] = clean(preview)
    if params.bool_("protect_content"):
        message["has_protected_content"] = True
    _track_reply_keyboard(sandbox, chat, markup)
    state.drafts.pop(chat_id, None)  # the message a draft streamed is sent: the draft is gone
    state.add_message(chat_id, message["message_id"], message)
    sandbox.stats.sent_messages += 1
    sandbox.stats.per_chat[chat_id]["sent"] += 1
    return message


def _track_reply_keyboard(sandbox: Sandbox, chat: ChatRecord, markup: JSON | None) -> None:
    if markup is None:
        return
    if "keyboard" in markup:
        chat.reply_keyboard = normalize(markup, "ReplyKeyboardMarkup")
    elif "remove_keyboard" in markup:
        chat.reply_keyboard = None
    else:
        return
    sandbox.state.save_chat(chat)


def add_user_message(sandbox: Sandbox, *, chat_id: int, user_id: int, content: JSON,
                     reply_to_message_id: int | None = None, message_thread_id: int | None = None,
                     profile: dict[str, Any] | None = None) -> StoredMessage:
    """Store a message a person sends (content: text or media fields); returns it."""
    state = sandbox.state
    user = state.user(user_id, **(profile or {}))
    chat = state.chat(chat_id)
    reply = None
    if reply_to_message_id is not None:
        reply = state.message(chat_id, reply_to_message_id)
        if reply is None:
            raise ApiError.bad_request("message to be replied not found")
    message: JSON = {"message_id": state.next_message_id(), "from": user, "chat": chat.chat_json(),
                     "date": now(), **_thread(chat, message_thread_id, reply, strict=False)}
    if reply is not None:
        message["reply_to_message"] = snapshot(reply)
    message.update(content)
    if "text" in content and "entities" not in content and (entities := detect_entities(content["text"])):
        message["entities"] = entities
    return state.add_message(chat_id, message["message_id"], message)
