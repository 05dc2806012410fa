"""Chat administration: administrators, member counts, bans and restrictions, invite links, titles, the bot's
default administrator rights, the General forum topic, profile photos and sticker sets."""

from __future__ import annotations

import secrets
import zlib

from sandbox.errors import ApiError
from sandbox.models import JSON, ChatRecord
from sandbox.registry import Call, api_method
from sandbox.state import SandboxState, now

GROUPS_ONLY = "method is available for supergroup and channel chats only"
_RIGHTS = ("is_anonymous", "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
           "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
           "can_delete_stories", "can_send_welcome_messages")
_GROUP_RIGHTS = ("can_pin_messages", "can_manage_topics")
_CHANNEL_RIGHTS = ("can_post_messages", "can_edit_messages")
MAX_TITLE = 128
STICKER_SET = "SandboxStickers"
STICKER_EMOJI = ("😀", "👍", "🎉")


def _group(call: Call) -> ChatRecord:
    chat_id = call.chat_id()
    if chat_id > 0:
        raise ApiError.bad_request(GROUPS_ONLY)
    return call.sandbox.state.chat(chat_id)


def _people(call: Call, chat: ChatRecord) -> list[int]:
    """Users who wrote in the chat, in the order they first did."""
    seen: dict[int, None] = {}
    for stored in call.sandbox.state.chat_messages(chat.id):
        if not stored.from_bot and stored.sender_id is not None:
            seen.setdefault(stored.sender_id)
    return list(seen)


def _user(call: Call, user_id: int) -> JSON:
    user = call.sandbox.state.users.get(user_id)
    if user is None:
        if not call.sandbox.options.open_chats:
            raise ApiError.bad_request("user not found")
        user = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
    return dict(user)


@api_method("getChatAdministrators")
async def get_chat_administrators(call: Call) -> list[JSON]:
    chat_id = call.chat_id()
    if chat_id > 0:
        raise ApiError.bad_request("there are no administrators in the private chat")
    chat = call.sandbox.state.chat(chat_id)
    admins: list[JSON] = []
    people = _people(call, chat)
    if people:  # the first person who wrote is the group's creator, as getChatMember says
        admins.append({"status": "creator", "user": _user(call, people[0]), "is_anonymous": False})
    if call.bot.id not in chat.left_bots:
        admins.append({"status": "administrator", "user": call.bot.user_json(), "can_be_edited": False,
                       **dict.fromkeys(_RIGHTS, True), "is_anonymous": False, "can_promote_members": False,
                       **dict.fromkeys(_GROUP_RIGHTS, True)})
    return admins


@api_method("getChatMemberCount")
async def get_chat_member_count(call: Call) -> int:
    chat_id = call.chat_id()
    if chat_id > 0:
        return 2
    chat = call.sandbox.state.chat(chat_id)
    gone = {int(uid) for uid, member in chat.members.items() if member.get("status") in ("kicked", "left")}
    people = [uid for uid in _people(call, chat) if uid not in gone]
    return len(people) + (0 if call.bot.id in chat.left_bots else 1)


@api_method("leaveChat")
async def leave_chat(call: Call) -> bool:
    chat_id = call.chat_id()
    if chat_id > 0:
        raise ApiError.bad_request("chat member status can't be changed in private chats")
    chat = call.sandbox.state.chat(chat_id)
    if call.bot.id in chat.left_bots:
        raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
    chat.left_bots.append(call.bot.id)
    call.sandbox.state.save_chat(chat)
    return True


def _member_target(call: Call) -> tuple[ChatRecord, int]:
    chat = _group(call)
    user_id = call.params.required_int("user_id", "user not found")
    if user_id == call.bot.id:
        raise ApiError.bad_request("can't restrict self" if call.params.has("permissions") else "can't remove self")
    _user(call, user_id)
    people = _people(call, chat)
    if people and people[0] == user_id:
        raise ApiError.bad_request("can't remove chat owner" if not call.params.has("permissions")
                                   else "can't restrict chat owner")
    return chat, user_id


@api_method("banChatMember")
async def ban_chat_member(call: Call) -> bool:
    chat, user_id = _member_target(call)
    chat.members[str(user_id)] = {"status": "kicked", "until_date": call.params.int_("until_date") or 0}
    if call.params.bool_("revoke_messages"):
        for stored in call.sandbox.state.chat_messages(chat.id):
            if stored.sender_id == user_id:
                stored.deleted = True
                call.sandbox.state.save_message(stored)
    call.sandbox.state.save_chat(chat)
    return True


@api_method("unbanChatMember")
async def unban_chat_member(call: Call) -> bool:
    chat = _group(call)
    user_id = call.params.required_int("user_id", "user not found")
    member = chat.members.get(str(user_id))
    if member is not None and member.get("status") == "kicked":
        chat.members[str(user_id)] = {"status": "left"}
        call.sandbox.state.save_chat(chat)
    return True


@api_method("restrictChatMember")
async def restrict_chat_member(call: Call) -> bool:
    permissions = call.params.json_("permissions")
    if permissions is None:
        raise ApiError.bad_request('parameter "permissions" is required')
    if not isinstance(permissions, dict):
        raise ApiError.bad_request("can't parse permissions JSON object")
    chat, user_id = _member_target(call)
    chat.members[str(user_id)] = {"status": "restricted", "until_date": call.params.int_("until_date") or 0,
                                  "permissions": {k: bool(v) for k, v in permissions.items()}}
    call.sandbox.state.save_chat(chat)
    return True


def member_status(chat: ChatRecord, user_id: int, user: JSON) -> JSON | None:
    """The ChatMember a ban or restriction made, if any (getChatMember)."""
    member = chat.members.get(str(user_id))
    if member is None or member["status"] == "left":
        return {"status": "left", "user": user} if member else None
    if member["status"] == "kicked":
        return {"status": "kicked", "user": user, "until_date": member.get("until_date", 0)}
    permissions = member.get("permissions", {})
    allowed = {key: bool(permissions.get(key, False)) for key in (
        "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos", "can_send_videos",
        "can_send_video_notes", "can_send_voice_notes", "can_send_polls", "can_send_other_messages",
        "can_add_web_page_previews", "can_react_to_messages", "can_edit_tag", "can_change_info", "can_invite_users",
        "can_pin_messages", "can_manage_topics")}
    return {"status": "restricted", "user": user, "is_member": True, **allowed,
            "until_date": member.get("until_date", 0)}


@api_method("createChatInviteLink")
async def create_chat_invite_link(call: Call) -> JSON:
    _group(call)
    params = call.params
    limit = params.int_("member_limit")
    if limit is not None and not 1 <= limit <= 99999:
        raise ApiError.bad_request("USAGE_LIMIT_INVALID")
    if limit is not None and params.bool_("creates_join_request"):
        raise ApiError.bad_request("member_limit can't be specified for links with creates_join_request")
    expire = params.int_("expire_date")
    if expire is not None and expire and expire <= now():
        raise ApiError.bad_request("EXPIRE_DATE_INVALID")
    name = params.str_("name")
    if name is not None and len(name) > 32:
        raise ApiError.bad_request("invite link name is too long")
    return {"invite_link": "https://t.me/+" + secrets.token_urlsafe(12), "creator": call.bot.user_json(),
            "creates_join_request": params.bool_("creates_join_request"), "is_primary": False, "is_revoked": False,
            "name": name or None, "expire_date": expire or None, "member_limit": limit}


@api_method("setChatTitle")
async def set_chat_title(call: Call) -> bool:
    chat = _group(call)
    title = " ".join((call.params.str_("title") or "").split())[:MAX_TITLE]
    if not title:
        raise ApiError.bad_request("title must be non-empty")
    if title == chat.chat_json().get("title"):
        raise ApiError.bad_request("chat title is not modified")
    chat.title = title
    state = call.sandbox.state
    state.save_chat(chat)
    message_id = state.next_message_id()
    state.add_message(chat.id, message_id, {"message_id": message_id, "from": call.bot.user_json(),
                                            "chat": chat.chat_json(), "date": now(), "new_chat_title": title})
    return True


@api_method("getUserProfilePhotos")
async def get_user_profile_photos(call: Call) -> JSON:
    user_id = call.params.required_int("user_id", "user not found")
    if user_id != call.bot.id:
        _user(call, user_id)
    limit = call.params.int_("limit", 100) or 100
    if not 1 <= limit <= 100:
        raise ApiError.bad_request("limit must be between 1 and 100")  # people in the sandbox have no photos
    return {"total_count": 0, "photos": []}


def _rights_key(call: Call) -> str:
    return "channels" if call.params.bool_("for_channels") else "groups"


@api_method("setMyDefaultAdministratorRights")
async def set_my_default_administrator_rights(call: Call) -> bool:
    rights = call.params.json_("rights")
    if rights is not None and not isinstance(rights, dict):
        raise ApiError.bad_request("can't parse rights JSON object")
    key = _rights_key(call)
    if rights:
        call.bot.admin_rights[key] = {k: bool(v) for k, v in rights.items()}
    else:
        call.bot.admin_rights.pop(key, None)
    call.sandbox.state.save_bot(call.bot)
    return True


@api_method("getMyDefaultAdministratorRights")
async def get_my_default_administrator_rights(call: Call) -> JSON:
    key = _rights_key(call)
    own = call.bot.admin_rights.get(key, {})
    names = _RIGHTS + (_CHANNEL_RIGHTS if key == "channels" else _GROUP_RIGHTS)
    return {name: bool(own.get(name, False)) for name in names}


def _forum_chat(call: Call) -> ChatRecord:
    chat = _group(call)
    if not chat.is_forum:
        raise ApiError.bad_request("the chat is not a forum")
    return chat


@api_method("editGeneralForumTopic")
async def edit_general_forum_topic(call: Call) -> bool:
    chat = _forum_chat(call)
    name = (call.params.str_("name") or "").strip()
    if not name:
        raise ApiError.bad_request("TOPIC_TITLE_EMPTY")
    if len(name) > 128:
        raise ApiError.bad_request("TOPIC_TITLE_TOO_LONG")
    if name == chat.general_topic_name:
        raise ApiError.bad_request("TOPIC_NOT_MODIFIED")
    chat.general_topic_name = name
    call.sandbox.state.save_chat(chat)
    return True


@api_method("unpinAllForumTopicMessages")
async def unpin_all_forum_topic_messages(call: Call) -> bool:
    chat = _forum_chat(call)
    thread_id = call.params.required_int("message_thread_id", "message thread not found")
    if str(thread_id) not in chat.topics:
        raise ApiError.bad_request("message thread not found")
    return True


# --- a built-in sticker set ------------------------------------------------------------------------------

def _png(color: int) -> bytes:
    """A 1x1 PNG of one colour (the stickers of the built-in set)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00" + color.to_bytes(3, "big"))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@api_method("getStickerSet")
async def get_sticker_set(call: Call) -> JSON:
    """One set exists in the sandbox, "SandboxStickers" (its stickers can be sent by file_id); others are invalid."""
    name = call.params.str_("name") or ""
    if name.lower() != STICKER_SET.lower():
        raise ApiError.bad_request("STICKERSET_INVALID")
    return builtin_sticker_set(call.sandbox.state)


def builtin_sticker_set(state: SandboxState) -> JSON:
    stickers = [rec for rec in state.files.values() if rec.kind == "sticker" and rec.file_name == STICKER_SET]
    if not stickers:
        for color in (0xF4B400, 0x0F9D58, 0xDB4437):
            rec = state.add_file("sticker", _png(color), mime_type="image/png", extension=".png", width=512,
                                 height=512)
            rec.file_name = STICKER_SET  # marks the set's own stickers; a sticker has no file name on Telegram
            state.store.put("file", rec.file_id, rec.to_record())
            stickers.append(rec)
    stickers.sort(key=lambda rec: int(rec.file_path.split("_")[-1].split(".")[0]))
    return {"name": STICKER_SET, "title": "Sandbox stickers", "sticker_type": "regular", "is_animated": False,
            "is_video": False, "stickers": [
                {"file_id": rec.file_id, "file_unique_id": rec.file_unique_id, "type": "regular", "width": 512,
                 "height": 512, "is_animated": False, "is_video": False, "emoji": STICKER_EMOJI[index % 3],
                 "set_name": STICKER_SET, "file_size": rec.file_size} for index, rec in enumerate(stickers)]}
