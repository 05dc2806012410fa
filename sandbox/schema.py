"""Telegram returns only the documented fields of every object: `normalize` keeps those and nothing else.

A bot may send any key inside an object (Telegraf's Markup sends `"hide": false` on every button); Telegram
neither stores nor echoes it. Every object the sandbox returns, stores for the transcript or delivers in an
update goes through here, against the table of documented fields in sandbox/apitypes.py.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sandbox.apitypes import LITERALS, METHOD_RESULTS, TYPES


@cache
def _fields(type_name: str) -> dict[str, str]:
    """Field -> Spec ("" for a plain value) of an object."""
    fields: dict[str, str] = {}
    for item in TYPES[type_name].split():
        name, _, spec = item.partition(":")
        fields[name] = spec
    return fields


def _variant(variants: list[str], value: dict[str, Any]) -> str | None:
    """The member of a union this object is: by its discriminating field, else the first whose fields it has."""
    for name in variants:
        literal = LITERALS.get(name)
        if literal is not None and value.get(literal[0]) == literal[1]:
            return name
    for name in variants:
        if name not in LITERALS and set(value) <= set(_fields(name)):
            return name
    return None


def normalize(value: Any, spec: str) -> Any:
    """`value` as Telegram would return it for `spec` (an object name, "[Spec]" or "A|B"): unknown keys and
    null fields are dropped, recursively. A plain spec ("") leaves the value as it is."""
    if not spec or value is None:
        return value
    if spec.startswith("["):
        inner = spec[1:-1]
        return [normalize(item, inner) for item in value] if isinstance(value, list) else value
    if not isinstance(value, dict):
        return value
    if "|" in spec:
        variant = _variant(spec.split("|"), value)
        if variant is None:
            return {k: v for k, v in value.items() if v is not None}
        spec = variant
    fields = _fields(spec)
    return {key: normalize(item, fields[key]) for key, item in value.items() if key in fields and item is not None}


def result_spec(method: str) -> str:
    """The Spec of a Bot API method's result ("" when it is a plain value or the method is unknown)."""
    return METHOD_RESULTS.get(method, "")
