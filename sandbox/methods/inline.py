"""Inline mode: a person types "@bot query" (through the control API), the bot answers with results, and the
person picks one, which is posted in the chat "via @bot"."""

from __future__ import annotations

import secrets
import time
from typing import Any

from sandbox.compose import add_user_message, check_reply_markup, inline_markup
from sandbox.entities import parse_text
from sandbox.errors import QUERY_TOO_OLD, ApiError
from sandbox.models import JSON
from sandbox.registry import Call, api_method
from sandbox.service import Sandbox

MAX_RESULTS = 50
_RESULT_TYPES = {"article", "photo", "gif", "mpeg4_gif", "video", "audio", "voice", "document", "location", "venue",
                 "contact", "game", "sticker"}


def _check_result(result: Any, seen: set[str]) -> None:
    if not isinstance(result, dict):
        raise ApiError.bad_request("can't parse inline query result JSON object")
    kind, result_id = result.get("type"), result.get("id")
    if kind not in _RESULT_TYPES:
        raise ApiError.bad_request(f"can't parse InlineQueryResult: Unsupported result type \"{kind}\"")
    if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= 64:
        raise ApiError.bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise ApiError.bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    if kind == "article" and not (result.get("input_message_content") or {}).get("message_text"):
        raise ApiError.bad_request("MESSAGE_EMPTY")
    if "reply_markup" in result:
        check_reply_markup(result["reply_markup"])


@api_method("answerInlineQuery")
async def answer_inline_query(call: Call) -> bool:
    state = call.sandbox.state
    query_id = call.params.str_("inline_query_id") or ""
    query = state.inline_queries.get(query_id)
    if query is None or query.get("answer") is not None or query["bot_id"] not in (None, call.bot.id):
        raise ApiError.bad_request(QUERY_TOO_OLD)
    if time.time() - query["created"] > call.sandbox.options.callback_timeout:
        raise ApiError.bad_request(QUERY_TOO_OLD)
    results = call.params.json_("results")
    if not isinstance(results, list):
        raise ApiError.bad_request("can't parse inline query results JSON object")
    if len(results) > MAX_RESULTS:
        raise ApiError.bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        _check_result(result, seen)
    params = call.params
    query["answer"] = {"results": results, "next_offset": params.str_("next_offset") or "",
                       "cache_time": params.int_("cache_time", 300), "is_personal": params.bool_("is_personal"),
                       "button": params.json_("button")}
    state.save_inline_query(query_id)
    return True


def ask(sandbox: Sandbox, user: JSON, text: str, offset: str, chat_type: str | None,
        bot_id: int | None) -> tuple[int, str]:
    """A person types "@bot `text`"; returns (update_id, inline_query_id)."""
    query_id = str(secrets.randbits(63))
    target = sandbox.target_bot_id(bot_id)
    sandbox.state.inline_queries[query_id] = {"bot_id": target, "user_id": user["id"], "query": text,
                                              "offset": offset, "created": time.time(), "answer": None}
    sandbox.state.save_inline_query(query_id)
    inline_query: JSON = {"id": query_id, "from": user, "query": text, "offset": offset}
    if chat_type:
        inline_query["chat_type"] = chat_type
    return sandbox.enqueue(target, {"inline_query": inline_query}), query_id


def _content(result: JSON) -> JSON:
    """The message a chosen result becomes."""
    content = result.get("input_message_content") or {}
    if "message_text" in content:
        text, entities = parse_text(str(content["message_text"]), content.get("parse_mode"), content.get("entities"))
        return {"text": text, **({"entities": entities} if entities else {})}
    if "phone_number" in content:
        return {"contact": {k: content.get(k) for k in ("phone_number", "first_name", "last_name", "vcard")}}
    if "latitude" in content:
        location = {"latitude": content["latitude"], "longitude": content["longitude"]}
        if "address" in content:
            return {"venue": {"location": location, "title": content.get("title"), "address": content["address"]},
                    "location": location}
        return {"location": location}
    kind = result["type"]
    if kind == "location" or kind == "venue":
        location = {"latitude": result["latitude"], "longitude": result["longitude"]}
        if kind == "venue":
            return {"venue": {"location": location, "title": result["title"], "address": result["address"]},
                    "location": location}
        return {"location": location}
    if kind == "contact":
        return {"contact": {k: result.get(k) for k in ("phone_number", "first_name", "last_name", "vcard")}}
    caption = result.get("caption") or result.get("title") or ""
    return {"text": f"[{kind}] {caption}".strip()}  # media results show as text: the sandbox holds no such file


def choose(sandbox: Sandbox, query_id: str, result_id: str, chat_id: int) -> tuple[int, int]:
    """The person picks a result: it is posted in `chat_id` "via @bot"; returns (update_id, message_id)."""
    query = sandbox.state.inline_queries.get(query_id)
    if query is None:
        raise ApiError(404, "inline query not found")
    answer = query.get("answer")
    if answer is None:
        raise ApiError.bad_request("the bot has not answered this inline query")
    result = next((r for r in answer["results"] if r.get("id") == result_id), None)
    if result is None:
        raise ApiError.bad_request("no such result")
    bot = sandbox.state.bots.get(query["bot_id"])
    payload = _content(result)
    if bot is not None:
        payload["via_bot"] = bot.user_json()
    if markup := inline_markup(result.get("reply_markup")):
        payload["reply_markup"] = markup
    stored = add_user_message(sandbox, chat_id=chat_id, user_id=int(query["user_id"]), content=payload)
    chosen = {"result_id": result_id, "from": sandbox.state.user(int(query["user_id"])), "query": query["query"]}
    update_id = sandbox.enqueue(query["bot_id"], {"chosen_inline_result": chosen})
    if chat_id == int(query["user_id"]):  # in the private chat with the bot, the bot sees the message too
        update_id = sandbox.enqueue(query["bot_id"], {"message": stored.message})
    return update_id, stored.message_id


def view(query_id: str, query: JSON) -> JSON:
    answer = query.get("answer") or {}
    return {"inline_query_id": query_id, "query": query["query"], "user_id": query["user_id"],
            "answered": query.get("answer") is not None, "results": answer.get("results", []),
            "next_offset": answer.get("next_offset", ""), "button": answer.get("button")}
