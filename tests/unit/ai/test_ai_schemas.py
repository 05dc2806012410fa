"""Model output validation and the schemas sent to the providers."""

from __future__ import annotations

import json

import pytest

from core.ai.schemas import ANALYZE_SCHEMA, CLASSIFY_SCHEMA, AnalyzeOut, ClassifyOut, parse_output, to_gemini_schema


class TestParseOutput:
    def test_valid_json_is_validated_and_cleaned(self) -> None:
        out = parse_output(ClassifyOut, '{"kind": "task", "topic": "Tasks", "confidence": 1.4, '
                                        '"tags": ["#Home", "home", " Repair "]}')
        assert (out.kind, out.confidence, out.tags) == ("task", 1.0, ["home", "repair"])

    def test_a_fenced_json_block_is_accepted(self) -> None:
        raw = '```json\n{"kind": "idea", "topic": "Ideas", "confidence": 0.8, "tags": []}\n```'
        assert parse_output(ClassifyOut, raw).kind == "idea"

    @pytest.mark.parametrize("raw", [
        None, "", "not json", '{"kind": "task"}', '{"kind": "poem", "topic": "x", "confidence": 1, "tags": []}',
    ])
    def test_garbage_is_rejected(self, raw: str | None) -> None:
        with pytest.raises(ValueError):
            parse_output(ClassifyOut, raw)

    def test_currency_is_upper_cased(self) -> None:
        payload = {"action": "bought", "object": "tea", "amount": 3, "unit": None, "currency": "usd",
                   "people": [], "place": None, "tags": [], "summary": "tea"}
        assert parse_output(AnalyzeOut, json.dumps(payload)).currency == "USD"


class TestSchemas:
    def test_openai_strict_schemas_require_every_property_and_forbid_others(self) -> None:
        for schema in (CLASSIFY_SCHEMA, ANALYZE_SCHEMA):
            assert schema["additionalProperties"] is False
            assert set(schema["required"]) == set(schema["properties"])

    def test_gemini_schema_uses_upper_case_types_and_nullable(self) -> None:
        gemini = to_gemini_schema(ANALYZE_SCHEMA)
        assert gemini["type"] == "OBJECT"
        assert gemini["properties"]["amount"] == {"type": "NUMBER", "nullable": True}
        assert gemini["properties"]["people"] == {"type": "ARRAY", "items": {"type": "STRING"}}
        assert to_gemini_schema(CLASSIFY_SCHEMA)["properties"]["kind"]["enum"][0] == "note"
