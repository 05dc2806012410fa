"""Messages beyond text and files: albums, polls, dice, contacts, venues, (live) locations, drafts, and the
copy/forward of several messages at once."""

from __future__ import annotations

import secrets
import time
from typing import Any

from sandbox.compose import (
    check_reply_markup,
    formatted_text,
    inline_markup,
    send_bot_message,
)
from sandbox.entities import parse_text, utf16_len
from sandbox.errors import NOT_MODIFIED, ApiError
from sandbox.files import audio_duration, media_json
from sandbox.methods.media import input_file
from sandbox.methods.messages import CONTENT_KEYS, editable
from sandbox.models import JSON, StoredMessage
from sandbox.params import Params, Upload
from sandbox.registry import Call, api_method
from sandbox.service import Sandbox
from sandbox.state import now

MAX_ALBUM = 10
MAX_POLL_OPTIONS = 12
MAX_POLL_QUESTION = 300
MAX_POLL_OPTION = 100
LIVE_FOREVER = 0x7FFFFFFF
DICE = {"🎲": 6, "🎯": 6, "🏀": 5, "⚽": 5, "🎳": 6, "🎰": 64}
_ALBUM_KINDS = ("photo", "video", "document", "audio")
_MEDIA_KEYS = ("photo", "video", "document", "audio", "animation", "caption", "caption_entities",
               "show_caption_above_media", "has_media_spoiler")


# --- dice, contacts, venues, locations -------------------------------------------------------------------

@api_method("sendDice", sends=True)
async def send_dice(call: Call) -> JSON:
    emoji = call.params.str_("emoji") or "🎲"
    if emoji not in DICE:
        raise ApiError.bad_request("DICE_EMOJI_INVALID")
    dice = {"emoji": emoji, "value": secrets.randbelow(DICE[emoji]) + 1}
    return send_bot_message(call.sandbox, call.bot, call.params, {"dice": dice})


@api_method("sendContact", sends=True)
async def send_contact(call: Call) -> JSON:
    params = call.params
    phone, first_name = (params.str_("phone_number") or "").strip(), (params.str_("first_name") or "").strip()
    if not phone:
        raise ApiError.bad_request("phone number is empty")
    if not first_name:
        raise ApiError.bad_request("first name is empty")
    contact: JSON = {"phone_number": phone, "first_name": first_name, "last_name": params.str_("last_name"),
                     "vcard": params.str_("vcard")}
    return send_bot_message(call.sandbox, call.bot, params, {"contact": contact})


def _point(params: Params, live: bool = False) -> JSON:
    latitude, longitude = params.float_("latitude"), params.float_("longitude")
    if latitude is None or longitude is None:
        raise ApiError.bad_request("wrong latitude or longitude")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ApiError.bad_request("invalid live location specified" if live else "invalid location specified")
    location: JSON = {"latitude": latitude, "longitude": longitude}
    accuracy = params.float_("horizontal_accuracy")
    if accuracy is not None:
        if not 0 <= accuracy <= 1500:
            raise ApiError.bad_request("wrong horizontal accuracy specified")
        location["horizontal_accuracy"] = accuracy
    return location


def _live_fields(params: Params, location: JSON) -> None:
    heading, radius = params.int_("heading"), params.int_("proximity_alert_radius")
    if heading is not None:
        if not 1 <= heading <= 360:
            raise ApiError.bad_request("wrong live location heading specified")
        location["heading"] = heading
    if radius is not None:
        if not 1 <= radius <= 100000:
            raise ApiError.bad_request("wrong live location proximity alert radius specified")
        location["proximity_alert_radius"] = radius


@api_method("sendLocation", sends=True)
async def send_location(call: Call) -> JSON:
    params = call.params
    period = params.int_("live_period")
    live = bool(period)
    location = _point(params, live)
    if live:
        assert period is not None
        if period != LIVE_FOREVER and not 60 <= period <= 86400:
            raise ApiError.bad_request("wrong live location period specified")
        location["live_period"] = period
        _live_fields(params, location)
    return send_bot_message(call.sandbox, call.bot, params, {"location": location})


@api_method("sendVenue", sends=True)
async def send_venue(call: Call) -> JSON:
    params = call.params
    location = _point(params)
    title, address = (params.str_("title") or "").strip(), (params.str_("address") or "").strip()
    if not title:
        raise ApiError.bad_request("venue title is empty")
    if not address:
        raise ApiError.bad_request("venue address is empty")
    venue: JSON = {"location": location, "title": title, "address": address}
    for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
        if params.has(key):
            venue[key] = params.str_(key)
    return send_bot_message(call.sandbox, call.bot, params, {"venue": venue, "location": location})


def _live_message(call: Call) -> StoredMessage:
    stored = editable(call)
    location = stored.message.get("location") or {}
    period = location.get("live_period")
    expired = period != LIVE_FOREVER and stored.message["date"] + (period or 0) < now()
    if not period or "venue" in stored.message or expired:  # a stopped one has no live_period left
        raise ApiError.bad_request("message can't be edited")
    return stored


def _finish_edit(call: Call, stored: StoredMessage) -> JSON:
    stored.message["edit_date"] = now()
    call.sandbox.state.save_message(stored)
    call.sandbox.stats.edited_messages += 1
    return stored.message


@api_method("editMessageLiveLocation", sends=True)
async def edit_message_live_location(call: Call) -> JSON:
    stored = _live_message(call)
    location = {**_point(call.params, live=True), "live_period": stored.message["location"]["live_period"]}
    _live_fields(call.params, location)
    if (period := call.params.int_("live_period")) is not None:
        location["live_period"] = period
    markup = inline_markup(check_reply_markup(call.params.json_("reply_markup")))
    if location == stored.message["location"] and markup == stored.message.get("reply_markup"):
        raise ApiError.bad_request(NOT_MODIFIED)
    stored.message["location"] = location
    _set_markup(stored, markup)
    return _finish_edit(call, stored)


@api_method("stopMessageLiveLocation", sends=True)
async def stop_message_live_location(call: Call) -> JSON:
    stored = _live_message(call)
    stored.message["location"] = {k: v for k, v in stored.message["location"].items()
                                  if k in ("latitude", "longitude", "horizontal_accuracy")}
    _set_markup(stored, inline_markup(check_reply_markup(call.params.json_("reply_markup"))))
    return _finish_edit(call, stored)


def _set_markup(stored: StoredMessage, markup: JSON | None) -> None:
    if markup:
        stored.message["reply_markup"] = markup
    else:
        stored.message.pop("reply_markup", None)


# --- polls -----------------------------------------------------------------------------------------------

def _poll_text(raw: Any, mode: str | None, entities: Any, empty: str, too_long: str, limit: int) -> tuple[str, Any]:
    text, parsed = parse_text(str(raw or ""), mode, entities if isinstance(entities, list) else None)
    if not text.strip():
        raise ApiError.bad_request(empty)
    if utf16_len(text) > limit:
        raise ApiError.bad_request(too_long)
    return text, parsed


def _poll_options(params: Params) -> list[JSON]:
    raw = params.json_("options")
    if not isinstance(raw, list) or len(raw) < 2:
        raise ApiError.bad_request("poll must have at least 2 option")
    if len(raw) > MAX_POLL_OPTIONS:
        raise ApiError.bad_request(f"poll can't have more than {MAX_POLL_OPTIONS} options")
    options = []
    for item in raw:
        option = item if isinstance(item, dict) else {"text": item}
        text, entities = _poll_text(option.get("text"), option.get("text_parse_mode"), option.get("text_entities"),
                                    "poll options must be non-empty",
                                    f"poll options length must not exceed {MAX_POLL_OPTION}", MAX_POLL_OPTION)
        options.append({"persistent_id": secrets.token_hex(4), "text": text, "voter_count": 0,
                        **({"text_entities": entities} if entities else {})})
    return options


@api_method("sendPoll", sends=True)
async def send_poll(call: Call) -> JSON:
    params = call.params
    question, entities = _poll_text(params.str_("question"), params.str_("question_parse_mode"),
                                    params.json_("question_entities"), "poll question must be non-empty",
                                    f"poll question length must not exceed {MAX_POLL_QUESTION}", MAX_POLL_QUESTION)
    options = _poll_options(params)
    kind = params.str_("type") or "regular"
    if kind not in ("regular", "quiz"):
        raise ApiError.bad_request("wrong poll type specified")
    poll: JSON = {"id": str(secrets.randbits(63)), "question": question, "options": options,
                  "total_voter_count": 0, "is_closed": params.bool_("is_closed"),
                  "is_anonymous": params.bool_("is_anonymous", True), "type": kind,
                  "allows_multiple_answers": kind == "regular" and params.bool_("allows_multiple_answers"),
                  "allows_revoting": params.bool_("allows_revoting", kind == "regular"),
                  "members_only": params.bool_("members_only")}
    if entities:
        poll["question_entities"] = entities
    if kind == "quiz":
        correct = params.int_("correct_option_id")
        if correct is None or not 0 <= correct < len(options):
            raise ApiError.bad_request("wrong correct option specified" if correct is not None
                                       else "quiz poll must have exactly one correct option")
        poll["correct_option_id"] = correct
        if params.has("explanation"):
            poll["explanation"], explanation_entities = parse_text(
                params.str_("explanation") or "", params.str_("explanation_parse_mode"),
                params.json_("explanation_entities"))
            if explanation_entities:
                poll["explanation_entities"] = explanation_entities
    for key in ("open_period", "close_date"):
        if params.has(key):
            poll[key] = params.int_(key)
    message = send_bot_message(call.sandbox, call.bot, params, {"poll": poll})
    state = call.sandbox.state
    state.polls[poll["id"]] = {"chat_id": message["chat"]["id"], "message_id": message["message_id"],
                               "bot_id": call.bot.id, "votes": {}}
    state.save_poll(poll["id"])
    return message


@api_method("stopPoll", sends=True)
async def stop_poll(call: Call) -> JSON:
    stored = editable(call)
    poll = stored.message.get("poll")
    if poll is None:
        raise ApiError.bad_request("message with poll to stop not found")
    if poll["is_closed"]:
        raise ApiError.bad_request("poll has already been closed")
    poll["is_closed"] = True
    _set_markup(stored, inline_markup(check_reply_markup(call.params.json_("reply_markup"))))
    call.sandbox.state.save_message(stored)
    return dict(stored.message["poll"])


def vote(call_sandbox: Sandbox, chat_id: int, message_id: int, user: JSON, option_ids: list[int]) -> list[int]:
    """A person votes (or, with no options, retracts the vote); returns the update ids sent to the bot."""
    state = call_sandbox.state
    stored = state.message(chat_id, message_id)
    poll = stored.message.get("poll") if stored else None
    if stored is None or poll is None:
        raise ApiError.bad_request("message with poll not found")
    if poll["is_closed"]:
        raise ApiError.bad_request("poll has already been closed")
    if len(set(option_ids)) != len(option_ids) or any(not 0 <= i < len(poll["options"]) for i in option_ids):
        raise ApiError.bad_request("wrong option identifiers specified")
    if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
        raise ApiError.bad_request("the poll allows one answer only")
    info = state.polls.get(poll["id"]) or {"chat_id": chat_id, "message_id": message_id, "votes": {},
                                           "bot_id": stored.sender_id}
    votes: dict[str, list[int]] = info["votes"]
    key = str(user["id"])
    if key in votes and option_ids and not poll.get("allows_revoting", True):
        raise ApiError.bad_request("the vote can't be changed")
    if option_ids:
        votes[key] = sorted(option_ids)
    else:
        votes.pop(key, None)
    for index, option in enumerate(poll["options"]):
        option["voter_count"] = sum(index in chosen for chosen in votes.values())
    poll["total_voter_count"] = len(votes)
    state.polls[poll["id"]] = info
    state.save_poll(poll["id"])
    state.save_message(stored)
    bot_id = info.get("bot_id")
    updates = [call_sandbox.enqueue(bot_id, {"poll": stored.message["poll"]})]
    if not poll["is_anonymous"]:
        answer = {"poll_id": poll["id"], "user": user, "option_ids": sorted(option_ids),
                  "option_persistent_ids": [poll["options"][i]["persistent_id"] for i in sorted(option_ids)]}
        updates.append(call_sandbox.enqueue(bot_id, {"poll_answer": answer}))
    return updates


# --- albums and media edits ------------------------------------------------------------------------------

async def _album_item(call: Call, item: Any) -> JSON:
    if not isinstance(item, dict):
        raise ApiError.bad_request("can't parse InputMedia JSON object")
    kind = item.get("type")
    if kind == "animation":
        raise ApiError.bad_request('can\'t parse InputMedia: type "animation" can\'t be used in sendMediaGroup')
    if kind not in _ALBUM_KINDS:
        raise ApiError.bad_request(f'can\'t parse InputMedia: type "{kind}" is unsupported')
    return await _media_content(call, item, kind)


async def _media_content(call: Call, item: JSON, kind: str) -> JSON:
    raw = item.get("media")
    value: Upload | str | None = raw if isinstance(raw, str) and raw else None
    if isinstance(raw, str) and raw.startswith("attach://"):
        value = call.params.files.get(raw.removeprefix("attach://"))
    if value is None:
        raise ApiError.bad_request("can't parse InputMedia: media not found")
    rec, upload = await input_file(call, value, kind)
    duration = item.get("duration")
    if duration is None and kind == "audio" and upload is not None:
        duration = audio_duration(upload.data)
    content: JSON = {kind: media_json(rec, kind, duration=duration)}
    caption, entities = parse_text(str(item.get("caption") or ""), item.get("parse_mode"),
                                   item.get("caption_entities"))
    if utf16_len(caption) > 1024:
        raise ApiError.bad_request("message caption is too long")
    if caption:
        content["caption"] = caption
    if entities:
        content["caption_entities"] = entities
    for key in ("show_caption_above_media", "has_spoiler"):
        if item.get(key):
            content["has_media_spoiler" if key == "has_spoiler" else key] = True
    return content


@api_method("sendMediaGroup", sends=True)
async def send_media_group(call: Call) -> list[JSON]:
    media = call.params.json_("media")
    if media is None:
        raise ApiError.bad_request('parameter "media" is required')
    if not isinstance(media, list):
        raise ApiError.bad_request("can't parse media JSON object")
    if not media:
        raise ApiError.bad_request("there are no messages to send")
    if len(media) > MAX_ALBUM:
        raise ApiError.bad_request("too many messages to send as an album")
    kinds = [item.get("type") if isinstance(item, dict) else None for item in media]
    for lonely in ("document", "audio"):
        if lonely in kinds and any(k != lonely for k in kinds):
            raise ApiError.bad_request(f"{lonely} can't be mixed with other media types")
    call.chat_id()
    contents = [await _album_item(call, item) for item in media]
    group_id = str(secrets.randbits(60)) if len(contents) > 1 else None
    messages = []
    for content in contents:
        if group_id:
            content["media_group_id"] = group_id
        messages.append(send_bot_message(call.sandbox, call.bot, call.params, content))
    return messages


@api_method("editMessageMedia", sends=True)
async def edit_message_media(call: Call) -> JSON:
    stored = editable(call)
    if "text" in stored.message or not any(k in stored.message for k in ("photo", "video", "document", "audio",
                                                                         "animation")):
        raise ApiError.bad_request("there is no media in the message to edit")
    item = call.params.json_("media")
    if not isinstance(item, dict):
        raise ApiError.bad_request("can't parse InputMedia JSON object")
    kind = item.get("type")
    if kind not in (*_ALBUM_KINDS, "animation"):
        raise ApiError.bad_request(f'can\'t parse InputMedia: type "{kind}" is unsupported')
    if "media_group_id" in stored.message and kind == "animation":
        raise ApiError.bad_request("can't use the media of the specified type in the album")
    content = await _media_content(call, item, str(kind))
    for key in _MEDIA_KEYS:
        stored.message.pop(key, None)
    stored.message.update(content)
    _set_markup(stored, inline_markup(check_reply_markup(call.params.json_("reply_markup"))))
    return _finish_edit(call, stored)


# --- several messages at once ----------------------------------------------------------------------------

def _sources(call: Call, verb: str) -> list[StoredMessage]:
    source_chat = call.chat_id("from_chat_id")
    ids = call.params.json_("message_ids")
    if not isinstance(ids, list) or not ids:
        raise ApiError.bad_request("message identifiers are not specified")
    if len(ids) > 100:
        raise ApiError.bad_request("too many messages identifiers specified")
    try:
        numbers = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise ApiError.bad_request("message identifiers are invalid") from None
    if numbers != sorted(set(numbers)):
        raise ApiError.bad_request("message identifiers must be in a strictly increasing order")
    found = [m for i in numbers if (m := call.sandbox.state.message(source_chat, i)) is not None]
    if not found:
        raise ApiError.bad_request(f"message to {verb} not found")
    return found


def _send_each(call: Call, sources: list[StoredMessage], forward: bool) -> list[JSON]:
    call.chat_id()
    ids = []
    for source in sources:
        content = {k: v for k, v in source.message.items() if k in CONTENT_KEYS}
        if forward:
            sender = source.message.get("from") or {}
            content["forward_origin"] = {"type": "user", "sender_user": sender, "date": source.message["date"]}
        elif call.params.bool_("remove_caption"):
            content.pop("caption", None)
            content.pop("caption_entities", None)
        if "media_group_id" in source.message:
            content["media_group_id"] = source.message["media_group_id"] + ("f" if forward else "c")
        quiet = Params({k: v for k, v in call.params.values.items()
                        if k in ("chat_id", "message_thread_id", "protect_content")})
        ids.append({"message_id": send_bot_message(call.sandbox, call.bot, quiet, content)["message_id"]})
    return ids


@api_method("copyMessages", sends=True)
async def copy_messages(call: Call) -> list[JSON]:
    return _send_each(call, _sources(call, "copy"), forward=False)


@api_method("forwardMessages", sends=True)
async def forward_messages(call: Call) -> list[JSON]:
    return _send_each(call, _sources(call, "forward"), forward=True)


# --- drafts: a bot streams a message before it sends it --------------------------------------------------

@api_method("sendMessageDraft")
async def send_message_draft(call: Call) -> bool:
    chat_id = call.chat_id()
    if chat_id < 0:
        raise ApiError.bad_request("message drafts can be sent only to private chats")
    draft_id = call.params.int_("draft_id")
    if not draft_id:
        raise ApiError.bad_request("draft_id must be non-zero")
    content = formatted_text(call.params)
    call.sandbox.state.drafts[chat_id] = {"draft_id": draft_id, **content, "date": now(), "at": time.time(),
                                          "message_thread_id": call.params.int_("message_thread_id")}
    return True
