"""Split a long text into Telegram-sized messages at paragraph, line or word boundaries."""

from __future__ import annotations

TELEGRAM_TEXT_LIMIT = 4096
_SEPARATORS = ("\n\n", "\n", " ")


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def _fitting(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` UTF-16 code units."""
    if utf16_len(text) <= limit:
        return len(text)
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _cut(text: str, fit: int) -> tuple[int, int]:
    """(end of this chunk, start of the next): the last paragraph break in the window, else line break,
    else space, preferring one in the window's second half; a hard cut only when there is none."""
    for floor in (fit // 2, 1):
        for sep in _SEPARATORS:
            pos = text.rfind(sep, 0, fit + len(sep))  # a separator may start right at the window's end
            if pos >= floor:
                return pos, pos + len(sep)
    return fit, fit


def split_message(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Parts of at most ``limit`` (UTF-16 units) each; whitespace at the cuts is dropped, blank parts too."""
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    rest = text.strip()
    while rest:
        fit = max(_fitting(rest, limit), 1)
        if fit >= len(rest):
            parts.append(rest)
            break
        end, start = _cut(rest, fit)
        chunk = rest[:end].rstrip()
        if chunk:
            parts.append(chunk)
        rest = rest[start:].lstrip()
    return parts
