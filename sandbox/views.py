"""How the control API shows chats, messages and callback answers to people and tests."""

from __future__ import annotations

from sandbox.models import JSON, CallbackRecord, ChatRecord, StoredMessage
from sandbox.service import Sandbox

_MEDIA_KEYS = ("document", "voice", "photo", "audio", "video", "animation", "sticker", "video_note", "location",
               "contact", "web_app_data", "forum_topic_created", "link_preview_options", "via_bot", "forward_origin",
               "poll", "dice", "venue", "media_group_id", "new_chat_title")
_SERVICE_KEYS = ("forum_topic_created", "new_chat_title")


def is_service(stored: StoredMessage) -> bool:
    return any(key in stored.message for key in _SERVICE_KEYS)


def message_view(stored: StoredMessage) -> JSON:
    m = stored.message
    reply = m.get("reply_to_message")
    view: JSON = {
        "message_id": stored.message_id,
        "from_bot": stored.from_bot,
        "user_id": stored.sender_id,
        "text": m.get("text"),
        "caption": m.get("caption"),
        "entities": m.get("entities") or m.get("caption_entities") or [],
        "reply_markup": m.get("reply_markup"),
        "edited": "edit_date" in m,
        "date": m["date"],
        "message_thread_id": m.get("message_thread_id"),
        "reply_to_message_id": reply["message_id"] if reply else None,
    }
    for key in _MEDIA_KEYS:
        if key in m:
            view[key] = m[key]
    if stored.deleted:
        view["deleted"] = True
    return view


def chat_summary(sandbox: Sandbox, chat: ChatRecord) -> JSON:
    visible = [m for m in sandbox.state.chat_messages(chat.id) if not is_service(m)]
    last = visible[-1] if visible else None
    chat_json = chat.chat_json()
    return {
        "chat_id": chat.id, "type": chat.type, "title": chat_json.get("title") or chat_json.get("first_name"),
        "is_forum": chat.is_forum, "message_count": len(visible),
        "last_message": message_view(last) if last else None,
    }


def chat_details(sandbox: Sandbox, chat: ChatRecord, bot_id: int | None) -> JSON:
    bot = sandbox.state.bots.get(bot_id) if bot_id is not None else None
    action = sandbox.state.chat_actions.get(chat.id)
    return {
        **chat_summary(sandbox, chat),
        "topics": [{k: v for k, v in t.items()} for t in chat.topics.values()],
        "reply_keyboard": chat.reply_keyboard,
        "menu_button": bot.menu_button_for(chat.id) if bot else {"type": "commands"},
        "commands": _commands(bot.commands if bot else {}, chat.id),
        "action": action,
        "draft": sandbox.state.drafts.get(chat.id),  # what the bot is streaming (sendMessageDraft), until it sends
        "bot_id": bot.id if bot else None,
    }


def _commands(all_commands: dict[str, list[JSON]], chat_id: int) -> list[JSON]:
    """The command list a chat shows: the most specific scope set, language-neutral."""
    scopes = [f'{{"chat_id": {chat_id}, "type": "chat"}}|',
              '{"type": "all_private_chats"}|' if chat_id > 0 else '{"type": "all_group_chats"}|',
              '{"type": "default"}|']
    for key in scopes:
        if key in all_commands:
            return all_commands[key]
    return []


def callback_view(cb: CallbackRecord) -> JSON:
    answer = cb.answer or {}
    return {
        "callback_query_id": cb.id, "chat_id": cb.chat_id, "message_id": cb.message_id, "data": cb.data,
        "user_id": cb.user_id, "answered": cb.answer is not None, "text": answer.get("text"),
        "show_alert": bool(answer.get("show_alert")), "url": answer.get("url"),
    }


def bot_view(sandbox: Sandbox, bot_id: int) -> JSON:
    bot = sandbox.state.bots[bot_id]
    return {
        "id": bot.id, "username": bot.user_json()["username"], "current": sandbox.target_bot_id() == bot.id,
        "webhook_url": bot.webhook_url, "pending_update_count": len(sandbox.state.pending(bot.id)),
        "menu_button": bot.menu_button_for(None),
    }
