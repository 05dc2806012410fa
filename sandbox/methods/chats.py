"""Chats and forum topics, members, commands, menu buttons, the bot's profile and Mini App answers."""

from __future__ import annotations

import json
import secrets

from sandbox.compose import add_user_message
from sandbox.entities import parse_text
from sandbox.errors import ApiError
from sandbox.methods.admin import member_status
from sandbox.models import JSON, ChatRecord
from sandbox.registry import Call, api_method
from sandbox.schema import normalize
from sandbox.state import now

TOPIC_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
_NO_GIFTS = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
             "premium_subscription": False, "gifts_from_channels": False}
_ADMIN_RIGHTS = ("can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
                 "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
                 "can_delete_stories", "can_pin_messages", "can_manage_topics", "can_send_welcome_messages")


@api_method("getChat")
async def get_chat(call: Call) -> JSON:
    chat = call.sandbox.state.chat(call.chat_id())
    return {**chat.chat_json(), "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": _NO_GIFTS}


@api_method("getChatMember")
async def get_chat_member(call: Call) -> JSON:
    chat_id = call.chat_id()
    user_id = call.params.required_int("user_id", "user not found")
    if user_id == call.bot.id:
        user = call.bot.user_json()
        if chat_id < 0:
            return {"status": "administrator", "user": user, "can_be_edited": False, "is_anonymous": False,
                    "can_promote_members": False, **dict.fromkeys(_ADMIN_RIGHTS, True)}
        return {"status": "member", "user": user}
    known = call.sandbox.state.users.get(user_id)
    if known is None and not call.sandbox.options.open_chats:
        raise ApiError.bad_request("user not found")  # Telegram knows no such user
    user = known or {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
    if chat_id == user_id:
        return {"status": "member", "user": user}
    if chat_id < 0 and (changed := member_status(call.sandbox.state.chat(chat_id), user_id, user)) is not None:
        return changed  # banned, restricted or unbanned (left)
    return {"status": "creator", "user": user, "is_anonymous": False} if chat_id < 0 else {
        "status": "member", "user": user}


def _forum(call: Call) -> ChatRecord:
    chat_id = call.chat_id()
    if chat_id > 0:
        raise ApiError.bad_request("the chat is not a forum")
    return call.sandbox.state.chat(chat_id)


def _topic(call: Call) -> tuple[ChatRecord, JSON]:
    chat = _forum(call)
    thread_id = call.params.required_int("message_thread_id", "message thread not found")
    topic = chat.topics.get(str(thread_id))
    if topic is None:
        raise ApiError.bad_request("message thread not found")
    return chat, topic


@api_method("createForumTopic")
async def create_forum_topic(call: Call) -> JSON:
    chat = _forum(call)
    name = (call.params.str_("name") or "").strip()
    if not name or len(name) > 128:
        raise ApiError.bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
    state = call.sandbox.state
    thread_id = state.next_message_id()  # as on Telegram, the topic is the id of its "topic created" message
    topic: JSON = {"message_thread_id": thread_id, "name": name,
                   "icon_color": call.params.int_("icon_color") or TOPIC_COLORS[0]}
    if call.params.has("icon_custom_emoji_id"):
        topic["icon_custom_emoji_id"] = call.params.str_("icon_custom_emoji_id")
    chat.is_forum = True
    chat.topics[str(thread_id)] = {**topic, "closed": False}
    state.save_chat(chat)
    state.add_message(chat.id, thread_id, {
        "message_id": thread_id, "from": call.bot.user_json(), "chat": chat.chat_json(),
        "date": now(), "message_thread_id": thread_id,
        "is_topic_message": True,
        "forum_topic_created": {k: v for k, v in topic.items() if k != "message_thread_id"},
    })
    return topic


@api_method("editForumTopic")
async def edit_forum_topic(call: Call) -> bool:
    chat, topic = _topic(call)
    if call.params.has("name"):
        topic["name"] = call.params.str_("name")
    if call.params.has("icon_custom_emoji_id"):
        topic["icon_custom_emoji_id"] = call.params.str_("icon_custom_emoji_id")
    call.sandbox.state.save_chat(chat)
    return True


def _set_closed(call: Call, closed: bool) -> bool:
    chat, topic = _topic(call)
    if topic.get("closed") == closed:
        raise ApiError.bad_request("TOPIC_NOT_MODIFIED")
    topic["closed"] = closed
    call.sandbox.state.save_chat(chat)
    return True


@api_method("closeForumTopic")
async def close_forum_topic(call: Call) -> bool:
    return _set_closed(call, True)


@api_method("reopenForumTopic")
async def reopen_forum_topic(call: Call) -> bool:
    return _set_closed(call, False)


@api_method("deleteForumTopic")
async def delete_forum_topic(call: Call) -> bool:
    chat, topic = _topic(call)
    state = call.sandbox.state
    thread_id = topic["message_thread_id"]
    del chat.topics[str(thread_id)]
    state.save_chat(chat)
    for stored in list(state.chat_messages(chat.id)):
        if stored.message.get("message_thread_id") == thread_id:
            stored.deleted = True
            state.save_message(stored)
    return True


@api_method("getForumTopicIconStickers")
async def get_forum_topic_icon_stickers(call: Call) -> list[JSON]:
    return []


# --- commands and menu button ----------------------------------------------------------------------------

def _commands_key(call: Call) -> str:
    scope = call.params.json_("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True) + "|" + (call.params.str_("language_code") or "")


@api_method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    commands = call.params.json_("commands")
    if not isinstance(commands, list):
        raise ApiError.bad_request("can't parse commands JSON object")
    for command in commands:
        name = str(command.get("command", "")) if isinstance(command, dict) else ""
        if not name or len(name) > 32 or not all(c.islower() or c.isdigit() or c == "_" for c in name):
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not str(command.get("description", "")).strip():
            raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    call.bot.commands[_commands_key(call)] = [{"command": c["command"], "description": c["description"]}
                                              for c in commands]
    call.sandbox.state.save_bot(call.bot)
    return True


@api_method("getMyCommands")
async def get_my_commands(call: Call) -> list[JSON]:
    return call.bot.commands.get(_commands_key(call), [])


@api_method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    call.bot.commands.pop(_commands_key(call), None)
    call.sandbox.state.save_bot(call.bot)
    return True


@api_method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    button = call.params.json_("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise ApiError.bad_request("can't parse menu button JSON object")
    if button["type"] == "web_app" and not (button.get("text") and (button.get("web_app") or {}).get("url")):
        raise ApiError.bad_request("BUTTON_TYPE_INVALID")
    key = str(call.params.int_("chat_id") or "default")
    call.bot.menu_buttons[key] = normalize(button, "MenuButtonDefault|MenuButtonWebApp|MenuButtonCommands")
    call.sandbox.state.save_bot(call.bot)
    return True


@api_method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> JSON:
    return call.bot.menu_button_for(call.params.int_("chat_id"))


# --- profile ----------------------------------------------------------------------------------------------

def _profile_methods(field: str, setter: str, getter: str) -> None:
    @api_method(setter)
    async def set_value(call: Call) -> bool:
        call.bot.profile[field] = call.params.str_(field) or ""
        call.sandbox.state.save_bot(call.bot)
        return True

    @api_method(getter)
    async def get_value(call: Call) -> JSON:
        return {field: call.bot.profile.get(field, "")}


_profile_methods("name", "setMyName", "getMyName")
_profile_methods("description", "setMyDescription", "getMyDescription")
_profile_methods("short_description", "setMyShortDescription", "getMyShortDescription")


# --- Mini App answers -----------------------------------------------------------------------------------

@api_method("answerWebAppQuery")
async def answer_web_app_query(call: Call) -> JSON:
    """Post the result as the user's message "via @bot" in the chat the Mini App was opened from."""
    sandbox = call.sandbox
    query = sandbox.state.webapp_queries.pop(call.params.str_("web_app_query_id") or "", None)
    result = call.params.json_("result")
    if query is None:
        raise ApiError.bad_request("QUERY_ID_INVALID")
    if not isinstance(result, dict):
        raise ApiError.bad_request("can't parse inline query result JSON object")
    sandbox.state.store.delete("webapp_query", str(call.params.str_("web_app_query_id")))
    content = result.get("input_message_content") or {}
    text, entities = parse_text(str(content.get("message_text") or result.get("title") or ""),
                                content.get("parse_mode"), content.get("entities"))
    payload: JSON = {"text": text, "via_bot": call.bot.user_json()}
    if entities:
        payload["entities"] = entities
    stored = add_user_message(sandbox, chat_id=int(query["chat_id"]), user_id=int(query["user_id"]),
                              content=payload)
    sandbox.enqueue(call.bot.id, {"message": stored.message})
    return {"inline_message_id": secrets.token_urlsafe(16)}
