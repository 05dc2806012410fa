"""The shipped recipe catalog and the field registry: versioned, in both languages, consistent with each other and
with the semantic core; and the values each field type takes or refuses."""

from __future__ import annotations

from typing import Any

import pytest

from core.journal.catalog import catalog, categories_json, recipe_json
from core.journal.errors import JournalError
from core.journal.fields import BY_ID, FIELD_TYPES, check_extras, registry_json
from core.journal.money import check_currency, to_minor
from core.journal.semantic import ACTIONS, OBJECTS, PAIRS, is_valid_semantic


class TestCatalog:
    def test_at_least_thirty_recipes_over_every_category_in_russian_and_english(self) -> None:
        shipped = catalog()
        assert shipped.version == 1 and len(shipped.recipes) >= 30
        assert {r.category for r in shipped.recipes} == {c.id for c in shipped.categories}
        ru = {r["label"] for r in (recipe_json(r, "ru") for r in shipped.recipes)}
        en = {r["label"] for r in (recipe_json(r, "en") for r in shipped.recipes)}
        assert len(ru) == len(en) == len(shipped.recipes) and not ru & en
        assert categories_json("ru")[0]["label"] == "Еда и напитки"

    def test_every_form_field_is_in_the_registry_and_every_pair_is_allowed(self) -> None:
        for recipe in catalog().recipes:
            assert set(recipe.form.fields) <= set(BY_ID)
            assert is_valid_semantic(recipe.action, recipe.object), recipe.id

    def test_one_recipe_shows_every_field_type(self) -> None:
        custom = catalog().recipe("other.custom")
        assert custom is not None
        assert {BY_ID[f].type for f in custom.form.fields} == set(FIELD_TYPES)


class TestSemanticCore:
    def test_pairs_name_known_words_only(self) -> None:
        assert set(PAIRS) == set(ACTIONS)
        assert all(objects <= set(OBJECTS) for objects in PAIRS.values())

    @pytest.mark.parametrize(("action", "obj", "ok"), [
        ("bought", "drink", True), ("met", "person", True), ("lent", "thing", True), ("ate", "other", True),
        ("ate", "person", False), ("flew", "trip", False), ("ran", "book", False),
    ])
    def test_a_pair_is_checked(self, action: str, obj: str, ok: bool) -> None:
        assert is_valid_semantic(action, obj) is ok


class TestFieldValues:
    def test_the_registry_is_served_in_the_users_language(self) -> None:
        fields = {f["id"]: f for f in registry_json("ru")}
        assert fields["amount"]["label"] == "Сумма" and fields["amount"]["type"] == "money"
        assert fields["mood"]["options"][0] == {"value": "great", "label": "отлично"}
        assert fields["people"]["isArray"] is True and fields["rating"]["max"] == 5

    def test_good_values_of_every_extended_type_are_kept(self) -> None:
        extras: dict[str, Any] = {"rating": 4, "mood": "good", "participants": ["Маша", " маша ", "Петя"],
                                  "startTime": "09:30", "url": "https://example.com/a", "data": {"a": [1, 2]},
                                  "context": "long\ntext", "address": "  Тверская, 1 "}
        assert check_extras(extras) == {**extras, "participants": ["Маша", "Петя"], "address": "Тверская, 1"}

    @pytest.mark.parametrize(("extras", "code"), [
        ({"rating": 6}, "ERR_JOURNAL_BAD_NUMBER"), ({"rating": "5"}, "ERR_JOURNAL_BAD_NUMBER"),
        ({"mood": "meh"}, "ERR_JOURNAL_BAD_FIELD"), ({"startTime": "25:00"}, "ERR_JOURNAL_BAD_TIME"),
        ({"url": "ftp://x"}, "ERR_JOURNAL_BAD_URL"), ({"nope": 1}, "ERR_JOURNAL_UNKNOWN_FIELD"),
        ({"amount": 1}, "ERR_JOURNAL_UNKNOWN_FIELD"), ({"address": "x" * 501}, "ERR_JOURNAL_FIELD_TOO_LONG"),
    ])
    def test_bad_values_are_refused_with_their_code(self, extras: dict[str, Any], code: str) -> None:
        with pytest.raises(JournalError) as caught:
            check_extras(extras)
        assert caught.value.code == code


class TestMoney:
    @pytest.mark.parametrize(("value", "minor"), [(450, 45000), (0.1, 10), ("450,50", 45050), ("1 200.5", 120050)])
    def test_amounts_are_kept_exactly_in_hundredths(self, value: int | float | str, minor: int) -> None:
        assert to_minor(value) == minor

    @pytest.mark.parametrize("value", [-1, 0.001, "abc", "1e13", "NaN"])
    def test_bad_amounts_are_refused(self, value: int | float | str) -> None:
        with pytest.raises(JournalError) as caught:
            to_minor(value)
        assert caught.value.code == "ERR_JOURNAL_BAD_AMOUNT"

    def test_currencies_are_iso_codes(self) -> None:
        assert check_currency(" rub ") == "RUB"
        with pytest.raises(JournalError):
            check_currency("RUR")
