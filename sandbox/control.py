"""Control API (`/sandbox/api/...`): act as a Telegram user and look at what the bot did."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from sandbox import inbound, views
from sandbox.deps import SandboxDep
from sandbox.errors import ApiError
from sandbox.inbound import Sender
from sandbox.methods import admin, content, inline
from sandbox.models import JSON, ChatRecord

router = APIRouter(prefix="/api")


class MessageIn(Sender):
    text: str | None = None
    forward_origin: dict[str, Any] | None = None  # a MessageOrigin: the text is forwarded from there


class EditIn(Sender):
    message_id: int
    text: str | None = None
    caption: str | None = None


class CallbackIn(Sender):
    message_id: int
    data: str


class WebAppDataIn(Sender):
    data: str
    button_text: str = ""


class VoteIn(Sender):
    message_id: int
    option_ids: list[int]


class InlineQueryIn(Sender):
    query: str = ""
    offset: str = ""
    chat_type: str | None = "sender"


class ChooseIn(BaseModel):
    chat_id: int
    result_id: str


class ResetIn(BaseModel):
    bots: bool = False


def api_error_response(exc: ApiError) -> JSONResponse:
    status = exc.error_code if exc.error_code >= 400 else 400
    return JSONResponse({"detail": exc.description.removeprefix("Bad Request: ")}, status_code=status)


@router.post("/messages")
async def post_message(body: MessageIn, sandbox: SandboxDep) -> JSON:
    if body.forward_origin is not None:
        update_id, message_id = inbound.send_forward(sandbox, body, body.text or "", body.forward_origin)
    else:
        update_id, message_id = inbound.send_text(sandbox, body, body.text or "")
    return {"update_id": update_id, "message_id": message_id}


@router.post("/edits")
async def post_edit(body: EditIn, sandbox: SandboxDep) -> JSON:
    """The person edits a message of theirs; the bot gets an ``edited_message``."""
    update_id, message_id = inbound.edit_message(sandbox, body, body.message_id, text=body.text,
                                                 caption=body.caption)
    return {"update_id": update_id, "message_id": message_id}


@router.post("/albums")
async def post_album(
    sandbox: SandboxDep,
    chat_id: Annotated[int, Form()],
    files: Annotated[list[UploadFile], File()],
    user_id: Annotated[int | None, Form()] = None,
    bot_id: Annotated[int | None, Form()] = None,
    first_name: Annotated[str | None, Form()] = None,
    language_code: Annotated[str | None, Form()] = None,
    caption: Annotated[str | None, Form()] = None,
) -> JSON:
    """Photos sent as one album: one update per photo, sharing a ``media_group_id``."""
    sender = Sender(chat_id=chat_id, user_id=user_id, bot_id=bot_id, first_name=first_name,
                    language_code=language_code)
    photos = [(await f.read(), f.filename, f.content_type) for f in files]
    update_ids, message_ids, group_id = inbound.send_album(sandbox, sender, photos, caption=caption)
    return {"update_ids": update_ids, "message_ids": message_ids, "media_group_id": group_id}


def _upload_route(kind: str, path: str) -> None:
    @router.post(path, name=f"upload_{kind}")
    async def upload(
        sandbox: SandboxDep,
        chat_id: Annotated[int, Form()],
        file: Annotated[UploadFile, File()],
        user_id: Annotated[int | None, Form()] = None,
        bot_id: Annotated[int | None, Form()] = None,
        first_name: Annotated[str | None, Form()] = None,
        language_code: Annotated[str | None, Form()] = None,
        reply_to_message_id: Annotated[int | None, Form()] = None,
        message_thread_id: Annotated[int | None, Form()] = None,
        caption: Annotated[str | None, Form()] = None,
        duration: Annotated[int | None, Form()] = None,
    ) -> JSON:
        sender = Sender(chat_id=chat_id, user_id=user_id, bot_id=bot_id, first_name=first_name,
                        language_code=language_code, reply_to_message_id=reply_to_message_id,
                        message_thread_id=message_thread_id)
        update_id, message_id = inbound.send_file(sandbox, sender, kind, await file.read(), file.filename,
                                                  file.content_type, caption=caption, duration=duration)
        return {"update_id": update_id, "message_id": message_id}


for _kind, _path in (("voice", "/voice"), ("document", "/documents"), ("photo", "/photos"), ("audio", "/audio")):
    _upload_route(_kind, _path)


@router.post("/callbacks")
async def post_callback(body: CallbackIn, sandbox: SandboxDep) -> JSON:
    update_id, query_id = inbound.press_button(sandbox, body, body.message_id, body.data)
    return {"update_id": update_id, "callback_query_id": query_id}


@router.post("/polls/votes")
async def post_vote(body: VoteIn, sandbox: SandboxDep) -> JSON:
    """A person votes in a poll (no options: takes the vote back); the bot gets `poll` (and `poll_answer`)."""
    user = sandbox.state.user(body.uid, **body.profile())
    update_ids = content.vote(sandbox, body.chat_id, body.message_id, user, body.option_ids)
    return {"update_ids": update_ids}


@router.post("/inline_queries")
async def post_inline_query(body: InlineQueryIn, sandbox: SandboxDep) -> JSON:
    """A person types "@bot query" in a chat of type `chat_type`; the bot gets an `inline_query`."""
    user = sandbox.state.user(body.uid, **body.profile())
    update_id, query_id = inline.ask(sandbox, user, body.query, body.offset, body.chat_type, body.bot_id)
    return {"update_id": update_id, "inline_query_id": query_id}


@router.get("/inline_queries/{query_id}")
async def get_inline_query(query_id: str, sandbox: SandboxDep) -> JSON:
    query = sandbox.state.inline_queries.get(query_id)
    if query is None:
        raise ApiError(404, "inline query not found")
    return inline.view(query_id, query)


@router.post("/inline_queries/{query_id}/choose")
async def choose_inline_result(query_id: str, body: ChooseIn, sandbox: SandboxDep) -> JSON:
    update_id, message_id = inline.choose(sandbox, query_id, body.result_id, body.chat_id)
    return {"update_id": update_id, "message_id": message_id}


@router.get("/stickers")
async def sticker_set(sandbox: SandboxDep) -> JSON:
    """The built-in sticker set (what getStickerSet("SandboxStickers") returns)."""
    return admin.builtin_sticker_set(sandbox.state)


@router.post("/web_app_data")
async def post_web_app_data(body: WebAppDataIn, sandbox: SandboxDep) -> JSON:
    update_id, message_id = inbound.send_web_app_data(sandbox, body, body.data, body.button_text)
    return {"update_id": update_id, "message_id": message_id}


@router.get("/chats")
async def list_chats(sandbox: SandboxDep) -> list[JSON]:
    chats = [views.chat_summary(sandbox, chat) for chat in sandbox.state.chats.values()]
    return sorted(chats, key=lambda c: -(c["last_message"] or {}).get("message_id", 0))  # ids only grow


@router.get("/chats/{chat_id}")
async def get_chat(chat_id: int, sandbox: SandboxDep, bot_id: int | None = None) -> JSON:
    chat = sandbox.state.chats.get(chat_id) or ChatRecord(id=chat_id)  # looking does not create the chat
    return views.chat_details(sandbox, chat, sandbox.target_bot_id(bot_id))


@router.get("/chats/{chat_id}/messages")
async def list_messages(
    chat_id: int, sandbox: SandboxDep, after: int | None = None, limit: int | None = Query(None, ge=1),
    include_deleted: bool = False, include_service: bool = False, message_thread_id: int | None = None,
) -> list[JSON]:
    items = [
        views.message_view(m) for m in sandbox.state.chat_messages(chat_id, include_deleted=include_deleted)
        if (include_service or not views.is_service(m))
        and (after is None or m.message_id > after)
        and (message_thread_id is None or m.message.get("message_thread_id") == message_thread_id)
    ]
    return items[-limit:] if limit else items


@router.get("/chats/{chat_id}/callback_answers")
async def list_callback_answers(chat_id: int, sandbox: SandboxDep) -> list[JSON]:
    return [views.callback_view(cb) for cb in sandbox.state.callbacks.values() if cb.chat_id == chat_id]


@router.get("/callbacks/{callback_query_id}")
async def get_callback(callback_query_id: str, sandbox: SandboxDep) -> JSON:
    cb = sandbox.state.callbacks.get(callback_query_id)
    if cb is None:
        raise ApiError(404, "callback query not found")
    return views.callback_view(cb)


@router.get("/files/{file_id}")
async def get_file(file_id: str, sandbox: SandboxDep) -> Response:
    """A stored file's content, for the chat page (bots download through /file/bot<token>/...)."""
    rec = sandbox.state.files.get(file_id)
    content = sandbox.state.file_content(rec) if rec else None
    if rec is None or content is None:
        raise ApiError(404, "file not found")
    return Response(content, media_type=rec.mime_type or "application/octet-stream")


@router.get("/webapp_init_data")
async def webapp_init_data(
    request: Request, sandbox: SandboxDep, chat_id: int, user_id: int | None = None, bot_id: int | None = None,
    first_name: str | None = None, language_code: str | None = None, query: bool = False,
    start_param: str | None = None,
) -> JSON:
    if not request.app.state.signs_init_data:
        raise ApiError(403, "Forbidden: the bot uses a real token; the sandbox signs Mini App data only with a "
                            "sandbox token (no TELEGRAM_BOT_TOKEN, or one whose secret part starts with SANDBOX)")
    sender = Sender(chat_id=chat_id, user_id=user_id, bot_id=bot_id, first_name=first_name,
                    language_code=language_code)
    return inbound.init_data(sandbox, sender, with_query=query, start_param=start_param)


@router.get("/bots")
async def list_bots(sandbox: SandboxDep) -> list[JSON]:
    return [views.bot_view(sandbox, bot_id) for bot_id in sandbox.state.bots]


@router.get("/stats")
async def stats(sandbox: SandboxDep) -> JSON:
    pending = {str(b): len(u) for b, u in sandbox.state.updates.items() if b is not None}
    return {**sandbox.stats.as_dict(), "pending_updates": pending, "flood": sandbox.flood.config.as_dict()}


@router.get("/config")
async def get_config(sandbox: SandboxDep) -> JSON:
    return {**sandbox.flood.config.as_dict(), **sandbox.options.as_dict(), "webapp_url_base": sandbox.webapp_url_base,
            "current_bot_id": sandbox.target_bot_id()}


@router.post("/config")
async def set_config(body: dict[str, Any], sandbox: SandboxDep) -> JSON:
    try:
        sandbox.flood.config.update(body)
        sandbox.options.update(body)
    except (TypeError, ValueError) as exc:
        raise ApiError.bad_request(f"invalid config: {exc}") from None
    return await get_config(sandbox)


@router.post("/reset")
async def reset(sandbox: SandboxDep, body: ResetIn | None = None) -> JSON:
    sandbox.reset(forget_bots=bool(body and body.bots))
    return {"ok": True}
