"""Domain errors' texts: one catalog entry per code, shared by the bot's error boundary and the web app."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from starlette.requests import Request

from core.errors import DomainError, error_text
from core.i18n import catalog_keys, translator
from core.items.service import not_found
from core.topics.service import ERR_MOVE_EXPIRED, TopicError
from webapp.errors import _domain_error

CORE = Path(__file__).resolve().parents[3] / "core"
# Codes only an HTTP client meets; the API answers them with the error's own message (the Mini App has its own texts).
API_ONLY = {
    "ERR_NOT_FOUND", "ERR_UNAUTHORIZED", "ERR_CALENDAR_OAUTH", "ERR_CALENDAR_REFUSED", "ERR_CALENDAR_UNAVAILABLE",
    "ERR_SECRET_UNREADABLE", "ERR_SECRET_UNKNOWN", "ERR_UNSUPPORTED_LANGUAGE", "ERR_AI_PROVIDER_UNKNOWN",
    # Minis (webapp/frontend/src/i18n/errorCodes.ts)
    "ERR_NAME_REQUIRED", "ERR_NAME_TOO_LONG", "ERR_DUPLICATE_NAME", "ERR_INVALID_STAGE", "ERR_INVALID_STAGE_TRANSITION",
    "ERR_INVALID_QTY", "ERR_INSUFFICIENT_QTY", "ERR_IMPORT_INVALID", "ERR_IMPORT_TOO_LARGE", "ERR_IMPORT_LIMITS",
}


def codes_in_core() -> set[str]:
    return {code for path in CORE.rglob("*.py") for code in re.findall(r'"(ERR_[A-Z_]+)"', path.read_text())}


class TestCatalog:
    def test_every_code_a_user_can_meet_in_the_chat_has_a_text_in_both_languages(self) -> None:
        missing = {(code, lang) for code in codes_in_core() - API_ONLY for lang in ("ru", "en")
                   if code not in catalog_keys(lang)}
        assert not missing

    def test_the_scan_sees_the_codes(self) -> None:
        assert {"ERR_ITEM_NOT_FOUND", "ERR_TOPIC_MOVE_EXPIRED", "ERR_AI_AUTH"} <= codes_in_core()

    def test_params_fill_the_text(self) -> None:
        assert error_text(not_found(42), translator("en")) == translator("en")("ERR_ITEM_NOT_FOUND", number=42)
        assert "42" in error_text(not_found(42), translator("ru"))

    def test_a_code_without_a_text_still_reads_as_a_refusal(self) -> None:
        text = error_text(DomainError("ERR_SOMETHING_NEW"), translator("en"))
        assert text == "That did not work (ERR_SOMETHING_NEW)."

    def test_a_topic_is_named_in_the_readers_language(self) -> None:
        error = TopicError(ERR_MOVE_EXPIRED, "expired", kind="idea")
        assert error.expired_buttons
        assert "«Идеи»" in error_text(error, translator("ru")) and "«Ideas»" in error_text(error, translator("en"))


def _request(accept_language: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "headers": [
        (b"accept-language", accept_language.encode())]})


class TestWebBody:
    @pytest.mark.parametrize(("header", "lang"), [("ru-RU,ru;q=0.9,en;q=0.8", "ru"), ("de, en-GB", "en"), ("", "en")])
    async def test_a_catalog_code_is_told_in_the_callers_language(self, header: str, lang: str) -> None:
        response = await _domain_error(_request(header), not_found(7))
        assert json.loads(response.body) == {"code": "ERR_ITEM_NOT_FOUND",
                                             "message": translator(lang)("ERR_ITEM_NOT_FOUND", number=7)}

    async def test_other_codes_keep_their_own_message(self) -> None:
        response = await _domain_error(_request("ru"), DomainError("ERR_DUPLICATE_NAME", "a type named X exists"))
        assert json.loads(response.body) == {"code": "ERR_DUPLICATE_NAME", "message": "a type named X exists"}
