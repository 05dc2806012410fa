"""Small facts about media bytes that the providers need: image MIME types and audio file names."""

from __future__ import annotations

_AUDIO_EXT = {
    "audio/ogg": "ogg", "audio/opus": "ogg", "audio/oga": "ogg", "audio/mpeg": "mp3", "audio/mp3": "mp3",
    "audio/mp4": "m4a", "audio/m4a": "m4a", "audio/x-m4a": "m4a", "audio/aac": "m4a", "audio/wav": "wav",
    "audio/x-wav": "wav", "audio/wave": "wav", "audio/webm": "webm", "audio/flac": "flac",
    "video/mp4": "mp4", "video/webm": "webm",
}


def audio_filename(mime_type: str) -> str:
    """A file name whose extension tells the API the format (OpenAI looks at the extension)."""
    base = mime_type.split(";", 1)[0].strip().lower()
    return f"audio.{_AUDIO_EXT.get(base, 'ogg')}"


def image_mime(data: bytes) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return "image/jpeg"
