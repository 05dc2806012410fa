"""Sending, editing and deleting messages; callback answers and chat actions."""

from __future__ import annotations

import time

from sandbox.compose import (
    check_reply_markup,
    clean,
    formatted_caption,
    formatted_text,
    inline_markup,
    send_bot_message,
)
from sandbox.errors import NOT_MODIFIED, QUERY_TOO_OLD, ApiError
from sandbox.models import JSON, StoredMessage
from sandbox.registry import Call, accept, api_method
from sandbox.state import now

CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}


@api_method("sendMessage", sends=True)
async def send_message(call: Call) -> JSON:
    return send_bot_message(call.sandbox, call.bot, call.params, formatted_text(call.params))


def editable(call: Call, verb: str = "edit") -> StoredMessage:
    params = call.params
    if params.has("inline_message_id"):
        raise ApiError.bad_request(f"message to {verb} not found")  # inline mode is not emulated
    chat_id = call.chat_id()
    message_id = params.required_int("message_id", f"message to {verb} not found")
    stored = call.sandbox.state.message(chat_id, message_id)
    if stored is None:
        raise ApiError.bad_request(f"message to {verb} not found")
    if verb == "edit" and stored.sender_id != call.bot.id:
        raise ApiError.bad_request("message can't be edited")
    return stored


def _apply_edit(call: Call, stored: StoredMessage, content: JSON, markup: JSON | None,
                keys: tuple[str, ...] = ()) -> JSON:
    """Replace `keys` of the message with `content` and its keyboard with `markup`, unless nothing changes."""
    message = stored.message
    current = {k: message.get(k) for k in keys}
    new = {k: content.get(k) for k in keys}
    if current == new and message.get("reply_markup") == markup:
        raise ApiError.bad_request(NOT_MODIFIED)
    for key in keys:
        if content.get(key):
            message[key] = content[key]
        else:
            message.pop(key, None)
    if markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)
    message["edit_date"] = now()
    call.sandbox.state.save_message(stored)
    call.sandbox.stats.edited_messages += 1
    return message


@api_method("editMessageText", sends=True)
async def edit_message_text(call: Call) -> JSON:
    stored = editable(call)
    if "text" not in stored.message:
        raise ApiError.bad_request("there is no text in the message to edit")
    content = formatted_text(call.params, too_long="MESSAGE_TOO_LONG")
    markup = inline_markup(check_reply_markup(call.params.json_("reply_markup")))
    return _apply_edit(call, stored, content, markup, ("text", "entities"))


@api_method("editMessageCaption", sends=True)
async def edit_message_caption(call: Call) -> JSON:
    stored = editable(call)
    if "text" in stored.message:
        raise ApiError.bad_request("there is no caption in the message to edit")
    markup = inline_markup(check_reply_markup(call.params.json_("reply_markup")))
    return _apply_edit(call, stored, formatted_caption(call.params), markup, ("caption", "caption_entities"))


@api_method("editMessageReplyMarkup", sends=True)
async def edit_message_reply_markup(call: Call) -> JSON:
    stored = editable(call)
    return _apply_edit(call, stored, {}, inline_markup(check_reply_markup(call.params.json_("reply_markup"))))


def _delete(call: Call, chat_id: int, message_id: int) -> bool:
    stored = call.sandbox.state.message(chat_id, message_id)
    if stored is None:
        return False
    stored.deleted = True
    call.sandbox.state.save_message(stored)
    call.sandbox.stats.deleted_messages += 1
    return True


@api_method("deleteMessage")
async def delete_message(call: Call) -> bool:
    chat_id = call.chat_id()
    message_id = call.params.required_int("message_id", "message identifier is not specified")
    if not _delete(call, chat_id, message_id):
        raise ApiError.bad_request("message to delete not found")
    return True


@api_method("deleteMessages")
async def delete_messages(call: Call) -> bool:
    chat_id = call.chat_id()
    ids = call.params.json_("message_ids")
    if not isinstance(ids, list) or not ids:
        raise ApiError.bad_request("message identifiers are not specified")
    for message_id in ids:
        _delete(call, chat_id, int(message_id))
    return True


def _copy_content(call: Call) -> StoredMessage:
    params = call.params
    source = params.required_int("from_chat_id", "chat_id is empty")
    stored = call.sandbox.state.message(source, params.required_int("message_id", "message to copy not found"))
    if stored is None:
        raise ApiError.bad_request("message to copy not found")
    return stored


CONTENT_KEYS = ("text", "entities", "caption", "caption_entities", "document", "photo", "voice", "audio",
                 "video", "animation", "sticker", "video_note", "location", "contact")


@api_method("copyMessage", sends=True)
async def copy_message(call: Call) -> JSON:
    source = _copy_content(call)
    content = {k: v for k, v in source.message.items() if k in CONTENT_KEYS}
    if call.params.has("caption"):
        content.update(formatted_caption(call.params))
    message = send_bot_message(call.sandbox, call.bot, call.params, content)
    return {"message_id": message["message_id"]}


@api_method("forwardMessage", sends=True)
async def forward_message(call: Call) -> JSON:
    source = _copy_content(call)
    content = {k: v for k, v in source.message.items() if k in CONTENT_KEYS}
    sender = source.message.get("from") or {}
    content["forward_origin"] = {"type": "user", "sender_user": sender, "date": source.message["date"]}
    return send_bot_message(call.sandbox, call.bot, call.params, content)


@api_method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    query_id = call.params.str_("callback_query_id") or ""
    callback = call.sandbox.state.callbacks.get(query_id)
    if callback is None or callback.answer is not None or callback.bot_id not in (None, call.bot.id):
        raise ApiError.bad_request(QUERY_TOO_OLD)
    if time.time() - callback.created > call.sandbox.options.callback_timeout:
        raise ApiError.bad_request(QUERY_TOO_OLD)  # Telegram waits about 15 s for the answer
    callback.answer = clean({
        "text": call.params.str_("text"), "show_alert": call.params.bool_("show_alert"),
        "url": call.params.str_("url"), "cache_time": call.params.int_("cache_time"), "date": now(),
    })
    call.sandbox.state.save_callback(callback)
    return True


@api_method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    chat_id = call.chat_id()
    action = call.params.str_("action") or ""
    if action not in CHAT_ACTIONS:
        raise ApiError.bad_request("wrong parameter action in request")
    call.sandbox.state.chat_actions[chat_id] = {"action": action, "date": now(),
                                                "message_thread_id": call.params.int_("message_thread_id")}
    return True


@api_method("setMessageReaction")
async def set_message_reaction(call: Call) -> bool:
    editable(call, "react to")
    return True


@api_method("pinChatMessage")
async def pin_chat_message(call: Call) -> bool:
    editable(call, "pin")
    return True


accept("unpinChatMessage", "unpinAllChatMessages")
