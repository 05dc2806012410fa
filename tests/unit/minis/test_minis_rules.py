"""Stage order, names and quantities."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from core.minis.rules import (
    STAGES,
    Stage,
    check_forward,
    check_qty,
    name_key,
    normalize_name,
    parse_stage,
)


def _code(call: object) -> str:
    assert callable(call)
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


class TestStages:
    def test_pipeline_order(self) -> None:
        assert [s.value for s in STAGES] == ["IN_BOX", "BUILDING", "PRIMING", "PAINTING", "DONE"]

    @pytest.mark.parametrize(("a", "b"), [(a, b) for i, a in enumerate(STAGES) for b in STAGES[i + 1:]])
    def test_every_later_stage_is_allowed(self, a: Stage, b: Stage) -> None:
        check_forward(a, b)

    @pytest.mark.parametrize(("a", "b"), [(a, b) for i, a in enumerate(STAGES) for b in STAGES[: i + 1]])
    def test_same_or_earlier_stage_is_refused(self, a: Stage, b: Stage) -> None:
        assert _code(lambda: check_forward(a, b)) == "ERR_INVALID_STAGE_TRANSITION"

    @pytest.mark.parametrize("raw", ["done", "SHELF", "", " DONE"])
    def test_only_exact_constants_are_stages(self, raw: str) -> None:
        assert _code(lambda: parse_stage(raw)) == "ERR_INVALID_STAGE"
        assert parse_stage("DONE") is Stage.DONE


class TestNames:
    def test_normalized(self) -> None:
        assert normalize_name("  Blood \n Angels ") == "Blood Angels"

    def test_length_counts_characters_after_trimming(self) -> None:
        assert normalize_name(" " + "ж" * 100 + " ") == "ж" * 100
        assert _code(lambda: normalize_name("ж" * 101)) == "ERR_NAME_TOO_LONG"
        assert _code(lambda: normalize_name(" \t ")) == "ERR_NAME_REQUIRED"

    def test_key_ignores_case_in_any_script(self) -> None:
        assert name_key("Космодесант") == name_key("КОСМОДЕСАНТ") == "космодесант"
        assert name_key("Straße") == name_key("STRASSE")

    def test_key_reads_yo_as_ye(self) -> None:
        assert name_key("Ёлка") == name_key("елка")

    def test_keys_sort_alphabetically(self) -> None:
        names = ["Жуки", "ёжики", "Ель", "яблоки", "Zulu", "alpha"]
        assert sorted(names, key=name_key) == ["alpha", "Zulu", "ёжики", "Ель", "Жуки", "яблоки"]


class TestQuantities:
    def test_bounds(self) -> None:
        assert check_qty(1) == 1
        assert check_qty(1_000_000) == 1_000_000
        assert check_qty(0, allow_zero=True) == 0
        for bad in (0, -1, 1_000_001):
            assert _code(lambda bad=bad: check_qty(bad)) == "ERR_INVALID_QTY"  # type: ignore[misc]
