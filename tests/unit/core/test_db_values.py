"""What the columns can hold: text without NUL or lone surrogates, integers in the BIGINT range."""

from __future__ import annotations

import pytest

from core.db.values import is_bigint, storable_json, storable_text


class TestStorableText:
    @pytest.mark.parametrize(("given", "stored"), [
        ("plain", "plain"), ("привет 😀", "привет 😀"), ("a\x00b", "a\ufffdb"), ("a\ud800b", "a\ufffdb"),
        ("\udfff", "\ufffd"), ("x\ud83d\ude00y", "x😀y"),  # a surrogate pair is the character it encodes
    ])
    def test_nul_and_lone_surrogates_become_the_replacement_character(self, given: str, stored: str) -> None:
        assert storable_text(given) == stored
        storable_text(given).encode("utf-8")  # what every driver does with it

    def test_every_string_of_a_json_value_keys_too(self) -> None:
        assert storable_json({"a\x00": [1, "b\ud800", {"c": None, "d": True}]}) == {
            "a\ufffd": [1, "b\ufffd", {"c": None, "d": True}]}


class TestBigint:
    @pytest.mark.parametrize("value", [0, -1, 2**63 - 1, -(2**63)])
    def test_fits(self, value: int) -> None:
        assert is_bigint(value)

    @pytest.mark.parametrize("value", [2**63, -(2**63) - 1, True, "1", 1.0, None])
    def test_does_not_fit(self, value: object) -> None:
        assert not is_bigint(value)
