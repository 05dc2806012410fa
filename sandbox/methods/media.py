"""sendDocument, sendPhoto, sendVoice, sendAudio... (upload, file_id reuse or URL) and getFile."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlparse

import httpx

from sandbox.compose import formatted_caption, send_bot_message
from sandbox.errors import ApiError
from sandbox.files import audio_duration, media_json, store_file
from sandbox.models import JSON, FileRecord
from sandbox.params import Upload
from sandbox.registry import Call, api_method

MAX_DOWNLOAD = 20 * 1024 * 1024
_URL_TIMEOUT = 10.0


async def _fetch(url: str) -> Upload:
    try:
        async with httpx.AsyncClient(timeout=_URL_TIMEOUT, follow_redirects=True) as client:
            response = await client.get(url)
            response.raise_for_status()
    except httpx.HTTPError:
        raise ApiError.bad_request("failed to get HTTP URL content") from None
    name = PurePosixPath(urlparse(url).path).name or None
    return Upload(response.content, name, response.headers.get("content-type", "").split(";")[0] or None)


async def _input_file(call: Call, field: str, kind: str) -> tuple[FileRecord, Upload | None]:
    value = call.params.file(field)
    if value is None:
        raise ApiError.bad_request(f"there is no {field} in the request")
    return await input_file(call, value, kind)


async def input_file(call: Call, value: Upload | str, kind: str) -> tuple[FileRecord, Upload | None]:
    """A file given as an upload, an http(s) URL the sandbox fetches, or the file_id of a stored file."""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        value = await _fetch(value)
    if isinstance(value, Upload):
        if not value.data:
            raise ApiError.bad_request("file must be non-empty")
        return store_file(call.sandbox.state, kind, value.data, value.filename, value.content_type), value
    rec = call.sandbox.state.files.get(value)
    if rec is None:
        raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
    return rec, None


def _media_sender(kind: str, method: str) -> None:
    @api_method(method, sends=True)
    async def send(call: Call) -> JSON:
        rec, upload = await _input_file(call, kind, kind)
        duration = call.params.int_("duration")
        if duration is None and kind in ("voice", "audio") and upload is not None:
            duration = audio_duration(upload.data)
        media = media_json(rec, kind, duration=duration)
        if kind == "audio" and isinstance(media, dict):
            for key in ("performer", "title"):
                if call.params.has(key):
                    media[key] = call.params.str_(key)
        content: JSON = {kind: media, **formatted_caption(call.params)}
        return send_bot_message(call.sandbox, call.bot, call.params, content)


for _kind, _method in (("document", "sendDocument"), ("photo", "sendPhoto"), ("voice", "sendVoice"),
                       ("audio", "sendAudio"), ("video", "sendVideo"), ("animation", "sendAnimation"),
                       ("sticker", "sendSticker"), ("video_note", "sendVideoNote")):
    _media_sender(_kind, _method)


@api_method("getFile")
async def get_file(call: Call) -> JSON:
    rec = call.sandbox.state.files.get(call.params.str_("file_id") or "")
    if rec is None:
        raise ApiError.bad_request("invalid file_id")
    if rec.file_size > MAX_DOWNLOAD:
        raise ApiError.bad_request("file is too big")
    return rec.file_json()
