"""Split a long text into Telegram-sized messages at paragraph, line or word boundaries.

Plain text is cut as it is; an HTML text (``parse_mode="HTML"``) is cut in its visible text and each part is valid
HTML again: a cut never falls inside a tag or an entity, and the tags open at a cut are closed before it and opened
again after it. Telegram counts the length of the visible text (after the entities are parsed) in UTF-16 units.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TELEGRAM_TEXT_LIMIT = 4096
ELLIPSIS = "…"
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


def _spans(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) of each part in ``text``; whitespace at the cuts and at both ends is left out."""
    if limit < 1:
        raise ValueError("limit must be positive")
    spans: list[tuple[int, int]] = []
    stop = len(text.rstrip())
    pos = len(text) - len(text.lstrip())
    while pos < stop:
        rest = text[pos:stop]
        fit = max(_fitting(rest, limit), 1)
        if fit >= len(rest):
            spans.append((pos, stop))
            break
        end, start = _cut(rest, fit)
        chunk_end = pos + len(rest[:end].rstrip())
        if chunk_end > pos:
            spans.append((pos, chunk_end))
        pos += start
        pos += len(text[pos:stop]) - len(text[pos:stop].lstrip())
    return spans


def split_message(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Parts of at most ``limit`` (UTF-16 units) each; whitespace at the cuts is dropped, blank parts too."""
    return [text[start:end] for start, end in _spans(text, limit)]


# --- HTML -------------------------------------------------------------------------------------------------------

# The tags Telegram accepts (https://core.telegram.org/bots/api#html-style); anything else is refused by Telegram.
HTML_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "span", "a", "code",
                       "pre", "blockquote", "tg-emoji"})
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass(frozen=True)
class _Tag:
    at: int  # the position in the visible text
    opening: bool
    name: str
    raw: str  # the tag as written, attributes included


def _entity(match: re.Match[str]) -> str | None:
    if match[3]:
        return _NAMED[match[3]]
    code = int(match[1]) if match[1] else int(match[2], 16)
    if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def parse_html(text: str) -> tuple[str, list[_Tag]] | None:
    """The visible text of Telegram HTML and its tags; None when Telegram would not accept it (an unknown or
    unbalanced tag, a stray "<", a bad entity)."""
    visible: list[str] = []
    size = 0
    tags: list[_Tag] = []
    open_tags: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG.match(text, i)
            if match is None or match[2].lower() not in HTML_TAGS:
                return None
            name, closing = match[2].lower(), bool(match[1])
            if closing:
                if not open_tags or open_tags[-1] != name:
                    return None
                open_tags.pop()
            else:
                open_tags.append(name)
            tags.append(_Tag(size, not closing, name, match[0]))
            i = match.end()
            continue
        if char == "&" and (match := _ENTITY.match(text, i)) is not None:
            decoded = _entity(match)
            if decoded is None:
                return None
            visible.append(decoded)
            size += 1
            i = match.end()
            continue
        visible.append(char)  # a bare "&" or ">" is a character
        size += 1
        i += 1
    if open_tags:
        return None
    return "".join(visible), tags


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _render(visible: str, tags: list[_Tag], spans: list[tuple[int, int]]) -> list[str]:
    """Each span of the visible text as HTML: the tags open at its start opened again, those open at its end
    closed. A tag between two parts (in the whitespace left out at a cut) goes to the next part."""
    parts: list[str] = []
    open_tags: list[_Tag] = []
    next_tag = 0
    for start, end in spans:
        out = [tag.raw for tag in open_tags]
        cursor = start
        while next_tag < len(tags) and tags[next_tag].at <= end:
            tag = tags[next_tag]
            if tag.at > cursor:
                out.append(_escape(visible[cursor:tag.at]))
                cursor = tag.at
            out.append(tag.raw)
            if tag.opening:
                open_tags.append(tag)
            else:
                open_tags.pop()
            next_tag += 1
        out.append(_escape(visible[cursor:end]))
        out.extend(f"</{tag.name}>" for tag in reversed(open_tags))
        parts.append("".join(out))
    return parts


def split_html(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str] | None:
    """Parts of Telegram HTML, each valid HTML whose visible text is at most ``limit`` UTF-16 units; None when
    ``text`` is not HTML Telegram accepts."""
    parsed = parse_html(text)
    if parsed is None:
        return None
    visible, tags = parsed
    if utf16_len(visible) <= limit:
        return [text]
    return _render(visible, tags, _spans(visible, limit))


def split_formatted(text: str, parse_mode: str | None, limit: int = TELEGRAM_TEXT_LIMIT
                    ) -> tuple[list[str], str | None]:
    """The parts a message is sent in, and their parse mode. A text within the limit is left as it is; a longer
    HTML text is split keeping its markup; a longer text whose markup cannot be read is sent as plain text."""
    if (parse_mode or "").upper() == "HTML":
        parts = split_html(text, limit)
        if parts is not None:
            return parts, parse_mode
    if utf16_len(text) <= limit:
        return [text], parse_mode
    return split_message(text, limit), None


def truncate_formatted(text: str, parse_mode: str | None, limit: int = TELEGRAM_TEXT_LIMIT
                       ) -> tuple[str, str | None]:
    """A text cut to fit one message, with "…" when something was left out (an edit cannot add messages)."""
    parts, mode = split_formatted(text, parse_mode, limit)
    if len(parts) <= 1:
        return (parts[0] if parts else text), mode
    first = split_formatted(text, parse_mode, limit - len(ELLIPSIS))[0][0]
    return first + ELLIPSIS, mode
