"""A language model's Markdown as Telegram shows it: Telegram HTML, made by chatgpt-md-converter, which the outbox
then splits at 4,096 characters keeping the markup valid (``core.telegram.split``).

Bold, italic, underline, strikethrough, code, code blocks, links, quotes and headings become tags; lists keep their
markers; every other ``<``, ``>`` and ``&`` is escaped, so a model's text shows as it was written. What the
converter leaves unpaired (a lone ``**``) is dropped rather than shown raw."""

from __future__ import annotations

import html
import re

from chatgpt_md_converter import telegram_format

from core.telegram.split import parse_html

_CODE = re.compile(r"(<pre>.*?</pre>|<pre><code[^>]*>.*?</code></pre>|<code>.*?</code>)", re.DOTALL)
_STRAY = re.compile(r"\*\*|__")


def markdown_to_html(text: str) -> str:
    """Telegram HTML for Markdown ``text``; the text escaped, as plain as it came, should the result not parse."""
    converted = telegram_format(text)
    pieces = _CODE.split(converted)  # the odd pieces are code: left as they are
    cleaned = "".join(piece if n % 2 else _STRAY.sub("", piece) for n, piece in enumerate(pieces))
    return cleaned if parse_html(cleaned) is not None else html.escape(text, quote=False)
