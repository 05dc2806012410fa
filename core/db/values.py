"""What the columns can hold, for values that come from outside (Telegram updates, initData, tokens).

PostgreSQL refuses NUL in text and in JSONB (``\\u0000``), and UTF-8 (so every driver) refuses a lone surrogate, which
JSON can carry (``"\\ud800"``); BIGINT holds 64-bit integers only. SQLite is laxer, but the rules are the same on both.
"""

from __future__ import annotations

import re
from typing import Any, TypeGuard

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_bigint(value: object) -> TypeGuard[int]:
    """An int (not a bool) that fits a BIGINT column."""
    return isinstance(value, int) and not isinstance(value, bool) and INT64_MIN <= value <= INT64_MAX


def storable_text(text: str) -> str:
    """``text`` with NUL and lone surrogates replaced by U+FFFD (a surrogate pair becomes its character)."""
    if _UNSTORABLE.search(text) is None:
        return text
    text = text.replace("\x00", REPLACEMENT)
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def storable_json(value: Any) -> Any:
    """A copy of a JSON value whose every string (keys too) is :func:`storable_text`."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        return {storable_text(k) if isinstance(k, str) else k: storable_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable_json(v) for v in value]
    return value
