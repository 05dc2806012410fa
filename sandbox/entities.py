"""Telegram text formatting: parse_mode → plain text + entities, and the entities Telegram detects itself.

Offsets and lengths are in UTF-16 code units, as in the Bot API. Errors carry Telegram's own wording
("can't parse entities: ...") so a bot that sends broken HTML fails here the way it would in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import ApiError

Entity = dict[str, Any]

_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
    "spoiler": "Spoiler", "text_link": "TextUrl",
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2  # a lone surrogate (JSON allows one) counts as one


def _parse_error(message: str) -> ApiError:
    return ApiError.bad_request(f"can't parse entities: {message}")


@dataclass
class _Builder:
    """Accumulates plain text while tracking the UTF-16 position for entity offsets."""

    parts: list[str] = field(default_factory=list)
    pos: int = 0
    entities: list[Entity] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += utf16_len(text)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.pos > start:
            self.entities.append({"type": kind, "offset": start, "length": self.pos - start, **extra})

    def result(self) -> tuple[str, list[Entity]]:
        return _strip("".join(self.parts), self.entities)


def _strip(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace like Telegram does and clip entities to what is left."""
    stripped = text.strip()
    if not stripped:
        return "", []
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    out: list[Entity] = []
    for ent in entities:
        start = max(ent["offset"] - lead, 0)
        end = min(ent["offset"] + ent["length"] - lead, size)
        if end > start:
            out.append({**ent, "offset": start, "length": end - start})
    out.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, out


def parse_text(text: str, parse_mode: str | None, entities: list[Entity] | None = None) -> tuple[str, list[Entity]]:
    """The text and entities Telegram would store for `text` sent with `parse_mode` (or explicit entities)."""
    if entities:
        return text, entities
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    if mode:
        raise ApiError.bad_request("unsupported parse_mode")
    return _strip(text, [])


# --- HTML -------------------------------------------------------------------------------------------

_ATTR_RE = re.compile(r"""\s*([a-zA-Z_-]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    end = text.find(";", i + 1, i + 12)
    if end < 0:
        return None
    name = text[i + 1 : end]
    if name in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[name], end + 1
    if name.startswith("#"):
        try:
            code = int(name[2:], 16) if name[1:2] in ("x", "X") else int(name[1:])
            return chr(code), end + 1
        except (ValueError, OverflowError):
            return None
    return None


def _byte_offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


def _parse_tag(text: str, i: int) -> tuple[str, dict[str, str], int]:
    """Parse a start tag at text[i] == '<'; returns (name, attributes, index after '>')."""
    m = re.match(r"[a-zA-Z0-9-]*", text[i + 1 :])
    name = (m.group(0) if m else "").lower()
    if name not in _HTML_TAGS:
        raise _parse_error(f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}')
    j = i + 1 + len(name)
    attrs: dict[str, str] = {}
    while True:
        while j < len(text) and text[j].isspace():
            j += 1
        if j >= len(text):
            raise _parse_error(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
        if text[j] == ">":
            return name, attrs, j + 1
        if text[j] == "/" and text[j + 1 : j + 2] == ">":
            return name, attrs, j + 2
        am = _ATTR_RE.match(text, j)
        if not am or am.end() == j:
            raise _parse_error(f'Empty attribute name in the tag "{name}" at byte offset {_byte_offset(text, i)}')
        value = next((g for g in am.groups()[1:] if g is not None), "")
        attrs[am.group(1).lower()] = _unescape(value)
        j = am.end()


def _unescape(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "&" and (decoded := _decode_entity(value, i)):
            out.append(decoded[0])
            i = decoded[1]
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def _html_entity(name: str, attrs: dict[str, str], start: int, b: _Builder) -> None:
    kind = _HTML_TAGS[name]
    if name == "span" and attrs.get("class") != "tg-spoiler":
        return  # a plain <span> is accepted and carries no formatting
    if kind == "text_link":
        if attrs.get("href"):
            b.entity("text_link", start, url=attrs["href"])
        return
    if kind == "blockquote" and "expandable" in attrs:
        kind = "expandable_blockquote"
    if kind == "custom_emoji":
        b.entity(kind, start, custom_emoji_id=attrs.get("emoji-id", ""))
        return
    b.entity(kind, start)


def parse_html(text: str) -> tuple[str, list[Entity]]:
    b = _Builder()
    stack: list[tuple[str, dict[str, str], int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "&":
            decoded = _decode_entity(text, i)
            if decoded:
                b.add(decoded[0])
                i = decoded[1]
                continue
            b.add(ch)
            i += 1
        elif ch == "<" and text[i + 1 : i + 2] == "/":
            end = text.find(">", i)
            if end < 0:
                raise _parse_error(f"Unclosed end tag at byte offset {_byte_offset(text, i)}")
            name = text[i + 2 : end].strip().lower()
            if not stack:
                raise _parse_error(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
            open_name, attrs, start = stack.pop()
            if name != open_name:
                raise _parse_error(
                    f'Unmatched end tag at byte offset {_byte_offset(text, i)}, expected "</{open_name}>", '
                    f'found "</{name}>"'
                )
            _close_html(open_name, attrs, start, stack, b)
            i = end + 1
        elif ch == "<":
            name, attrs, i = _parse_tag(text, i)
            stack.append((name, attrs, b.pos))
        else:
            b.add(ch)
            i += 1
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return b.result()


def _close_html(name: str, attrs: dict[str, str], start: int, stack: list[tuple[str, dict[str, str], int]],
                b: _Builder) -> None:
    if name == "code" and stack and stack[-1][0] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1][1]["language"] = language.removeprefix("language-")
            return  # <pre><code class="language-x"> is one pre entity with a language
    if name == "pre" and attrs.get("language"):
        b.entity("pre", start, language=attrs["language"])
        return
    _html_entity(name, attrs, start, b)


# --- MarkdownV2 -------------------------------------------------------------------------------------

def _mdv2_reserved(text: str, i: int) -> ApiError:
    return _parse_error(f"Character '{text[i]}' is reserved and must be escaped with the preceding '\\'")


def _read_until(text: str, i: int, stop: str, kind: str, opened_at: int) -> tuple[str, int]:
    """Read raw text up to `stop` honouring backslash escapes; returns (content, index after stop)."""
    out: list[str] = []
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if text.startswith(stop, i):
            return "".join(out), i + len(stop)
        out.append(text[i])
        i += 1
    raise _parse_error(f"Can't find end of {kind} entity at byte offset {_byte_offset(text, opened_at)}")


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    b = _Builder()
    stack: list[tuple[str, int, int]] = []  # (kind, utf16 start, source index)
    quote_start: int | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        at_line_start = i == 0 or text[i - 1] == "\n"
        if at_line_start and quote_start is not None and ch != ">":
            b.entity("blockquote", quote_start)
            quote_start = None
        if ch == "\\" and i + 1 < len(text) and 0 < ord(text[i + 1]) < 127:
            b.add(text[i + 1])
            i += 2
        elif at_line_start and ch == ">":
            if quote_start is None:
                quote_start = b.pos
            i += 1
        elif text.startswith("```", i):
            body, j = _read_until(text, i + 3, "```", "Pre", i)
            language, content = _pre_language(body)
            start = b.pos
            b.add(content)
            b.entity("pre", start, **({"language": language} if language else {}))
            i = j
        elif ch == "`":
            body, j = _read_until(text, i + 1, "`", "Code", i)
            start = b.pos
            b.add(body)
            b.entity("code", start)
            i = j
        elif ch in "*_~|[":
            i = _mdv2_marker(text, i, stack, b)
        elif ch == "]":
            if not stack or stack[-1][0] != "text_link":
                raise _mdv2_reserved(text, i)
            _, start, _src = stack.pop()
            if text[i + 1 : i + 2] != "(":
                raise _mdv2_reserved(text, i)
            url, i = _read_until(text, i + 2, ")", "TextUrl", i)
            b.entity("text_link", start, url=url)
        elif ch in _MDV2_RESERVED:
            raise _mdv2_reserved(text, i)
        else:
            b.add(ch)
            i += 1
    if quote_start is not None:
        b.entity("blockquote", quote_start)
    if stack:
        kind, _, src = stack[-1]
        raise _parse_error(f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset {_byte_offset(text, src)}")
    return b.result()


def _pre_language(body: str) -> tuple[str, str]:
    """```lang\\ncode``` → ("lang", "code"); an empty or spaced first line is not a language."""
    first, sep, rest = body.partition("\n")
    if not sep:
        return "", body
    if not first.strip():
        return "", rest
    if any(c.isspace() for c in first):
        return "", body
    return first, rest


def _mdv2_marker(text: str, i: int, stack: list[tuple[str, int, int]], b: _Builder) -> int:
    ch = text[i]
    if ch == "[":
        stack.append(("text_link", b.pos, i))
        return i + 1
    if ch == "|":
        if text[i + 1 : i + 2] != "|":
            raise _mdv2_reserved(text, i)
        kind, width = "spoiler", 2
    elif ch == "_" and text[i + 1 : i + 2] == "_":
        kind, width = "underline", 2
    else:
        kind, width = {"*": "bold", "_": "italic", "~": "strikethrough"}[ch], 1
    if stack and stack[-1][0] == kind:
        _, start, _src = stack.pop()
        b.entity(kind, start)
    else:
        stack.append((kind, b.pos, i))
    return i + width


# --- legacy Markdown ----------------------------------------------------------------------------------

def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    b = _Builder()
    i = 0
    kinds = {"*": "bold", "_": "italic"}
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "*_`[":
            b.add(text[i + 1])
            i += 2
        elif ch in kinds or ch == "`":
            fence = "```" if text.startswith("```", i) else ch
            end = text.find(fence, i + len(fence))
            if end < 0:
                raise _parse_error(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            start = b.pos
            b.add(text[i + len(fence) : end])
            b.entity("pre" if fence == "```" else kinds.get(ch, "code"), start)
            i = end + len(fence)
        elif ch == "[":
            m = re.compile(r"\[([^\]]*)\]\(([^)]*)\)").match(text, i)
            if not m:
                raise _parse_error(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            start = b.pos
            b.add(m.group(1))
            b.entity("text_link", start, url=m.group(2))
            i = m.end()
        else:
            b.add(ch)
            i += 1
    return b.result()


# --- entities Telegram detects in what users type -----------------------------------------------------

_AUTO_PATTERNS = [
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("email", re.compile(r"(?<![\w.@])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")),
    ("url", re.compile(r"(?<![\w@])(?:https?://[^\s<>\"']+|(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/[^\s<>\"']*)")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}")),
    ("hashtag", re.compile(r"(?<![\w#])#\w+")),
]


def detect_entities(text: str) -> list[Entity]:
    """bot_command, email, url, mention and hashtag entities, as Telegram adds them to user messages."""
    found: list[Entity] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _AUTO_PATTERNS:
        for m in pattern.finditer(text):
            span = m.span()
            if kind == "url":
                span = (span[0], span[0] + len(m.group(0).rstrip(".,;:!?)")))
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue
            taken.append(span)
            offset = utf16_len(text[: span[0]])
            found.append({"type": kind, "offset": offset, "length": utf16_len(text[span[0] : span[1]])})
    found.sort(key=lambda e: e["offset"])
    return found
