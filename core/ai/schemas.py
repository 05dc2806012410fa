"""What we ask the models to return: JSON Schemas (OpenAI strict structured outputs, Gemini response_schema)
and the pydantic models that validate the answers before anything else sees them."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError, field_validator

from core.ai.types import NOTE_KINDS, NoteKind

JsonSchema = dict[str, Any]
M = TypeVar("M", bound=BaseModel)


def _obj(properties: dict[str, JsonSchema]) -> JsonSchema:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_STR: JsonSchema = {"type": "string"}
_STR_LIST: JsonSchema = {"type": "array", "items": {"type": "string"}}
_NULL_STR: JsonSchema = {"type": ["string", "null"]}

CLASSIFY_SCHEMA = _obj({
    "kind": {"type": "string", "enum": list(NOTE_KINDS)},
    "topic": _STR,
    "confidence": {"type": "number"},
    "tags": _STR_LIST,
})
RENDER_SCHEMA = _obj({"title": _STR, "summary": _STR, "body_markdown": _STR, "tags": _STR_LIST})
ANALYZE_SCHEMA = _obj({
    "action": _STR,
    "object": _STR,
    "amount": {"type": ["number", "null"]},
    "unit": _NULL_STR,
    "currency": _NULL_STR,
    "people": _STR_LIST,
    "place": _NULL_STR,
    "tags": _STR_LIST,
    "summary": _STR,
    "date": _NULL_STR,
    "items": {"type": "array", "items": _obj({"name": _STR, "amount": {"type": ["number", "null"]}})},
})
TRANSCRIBE_SCHEMA = _obj({"text": _STR, "language": _NULL_STR})


def _clean_tags(tags: list[str]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        t = tag.strip().lstrip("#").strip().lower()
        if t and t not in seen:
            seen.append(t)
    return seen[:10]


class ClassifyOut(BaseModel):
    kind: NoteKind
    topic: str
    confidence: float
    tags: list[str]

    @field_validator("confidence")
    @classmethod
    def _clamp(cls, v: float) -> float:
        return min(1.0, max(0.0, v))

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        return _clean_tags(v)


class RenderOut(BaseModel):
    title: str = Field(min_length=1)
    summary: str
    body_markdown: str
    tags: list[str]

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        return _clean_tags(v)


class AnalyzeItemOut(BaseModel):
    name: str
    amount: float | None


class AnalyzeOut(BaseModel):
    action: str
    object: str
    amount: float | None
    unit: str | None
    currency: str | None
    people: list[str]
    place: str | None
    tags: list[str]
    summary: str
    date: str | None = None  # asked for, but an answer without it (an older prompt) still fits
    items: list[AnalyzeItemOut] = Field(default_factory=list)

    @field_validator("date")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        """A calendar date as YYYY-MM-DD, or nothing (a model's "unknown" or a half date is dropped)."""
        try:
            return dt.date.fromisoformat(v.strip()).isoformat() if v else None
        except ValueError:
            return None

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str | None) -> str | None:
        return v.strip().upper() or None if v else None

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        return _clean_tags(v)


class TranscribeOut(BaseModel):
    text: str
    language: str | None


def parse_output(model: type[M], raw: str | None) -> M:
    """Validate a model's raw JSON text; raises ValueError (JSON or schema mismatch)."""
    if not raw:
        raise ValueError("empty model output")
    try:
        return model.model_validate_json(_strip_fences(raw))
    except ValidationError as exc:
        raise ValueError(f"model output does not fit {model.__name__}: {exc.error_count()} errors") from exc


def _strip_fences(raw: str) -> str:
    text = raw.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        if text.rstrip().endswith("```"):
            text = text.rstrip()[:-3]
    return text


_GEMINI_TYPES = {"string": "STRING", "number": "NUMBER", "integer": "INTEGER", "boolean": "BOOLEAN",
                 "array": "ARRAY", "object": "OBJECT"}


def to_gemini_schema(schema: JsonSchema) -> JsonSchema:
    """Turn our JSON Schema subset into Gemini's OpenAPI-style ``Schema`` (upper-case types, ``nullable``)."""
    out: JsonSchema = {}
    kind = schema["type"]
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        out["nullable"] = len(non_null) < len(kind)
        kind = non_null[0]
    out["type"] = _GEMINI_TYPES[kind]
    if "enum" in schema:
        out["enum"] = list(schema["enum"])
    if kind == "array":
        out["items"] = to_gemini_schema(schema["items"])
    if kind == "object":
        out["properties"] = {k: to_gemini_schema(v) for k, v in schema["properties"].items()}
        out["required"] = list(schema.get("required", []))
        out["property_ordering"] = list(schema["properties"])
    return out
