"""Stored files and the media objects (Document, PhotoSize, Voice...) Telegram builds around them."""

from __future__ import annotations

import mimetypes
import struct
from pathlib import PurePosixPath

from sandbox.models import JSON, FileRecord
from sandbox.state import SandboxState

_DEFAULT_MIME = {"voice": "audio/ogg", "audio": "audio/mpeg", "photo": "image/jpeg", "video": "video/mp4",
                 "animation": "video/mp4", "video_note": "video/mp4", "sticker": "image/webp",
                 "document": "application/octet-stream"}
_DEFAULT_EXT = {"voice": ".oga", "audio": ".mp3", "photo": ".jpg", "video": ".mp4", "animation": ".mp4",
                "video_note": ".mp4", "sticker": ".webp"}


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, GIF or JPEG; (0, 0) when unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            size = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            i += 2 + size
    return 0, 0


def audio_duration(data: bytes) -> int:
    """Seconds of an Ogg/Opus stream from its last granule position; a size-based guess otherwise."""
    if data[:4] == b"OggS" and b"OpusHead" in data[:200]:
        last = data.rfind(b"OggS")
        if last >= 0 and last + 14 <= len(data):
            granule = struct.unpack("<q", data[last + 6 : last + 14])[0]
            if granule > 0:
                return max(1, round(granule / 48000))
    return max(1, round(len(data) / 4000))


def store_file(state: SandboxState, kind: str, data: bytes, filename: str | None,
               content_type: str | None) -> FileRecord:
    guessed = mimetypes.guess_type(filename)[0] if filename else None
    if content_type in (None, "", "application/octet-stream") and guessed:
        content_type = guessed
    mime = "audio/ogg" if kind == "voice" else content_type or _DEFAULT_MIME.get(kind)  # voice is always OGG
    suffix = PurePosixPath(filename).suffix if filename else ""
    width = height = None
    if kind in ("photo", "sticker"):
        width, height = image_size(data)
    return state.add_file(kind, data, mime_type=mime, file_name=filename if kind in ("document", "audio", "video",
                                                                                   "animation") else None,
                          extension=suffix or _DEFAULT_EXT.get(kind, ""), width=width, height=height)


def media_json(rec: FileRecord, kind: str, *, duration: int | None = None) -> JSON | list[JSON]:
    """The media field of a Message (photo is a list of sizes)."""
    base: JSON = {"file_id": rec.file_id, "file_unique_id": rec.file_unique_id, "file_size": rec.file_size}
    if kind == "photo":
        return [{**base, "width": rec.width or 0, "height": rec.height or 0}]
    if kind == "sticker":
        return {**base, "type": "regular", "width": rec.width or 512, "height": rec.height or 512,
                "is_animated": False, "is_video": False}
    if kind in ("voice", "audio", "video", "animation", "video_note"):
        base["duration"] = duration if duration is not None else 1
    if kind in ("video", "animation"):
        base.update({"width": rec.width or 0, "height": rec.height or 0})
    if kind == "video_note":
        base["length"] = rec.width or 240
        return base
    if rec.file_name and kind in ("document", "audio", "video", "animation"):
        base["file_name"] = rec.file_name
    if rec.mime_type:
        base["mime_type"] = rec.mime_type
    return base
