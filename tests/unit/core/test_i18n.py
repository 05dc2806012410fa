"""The gettext catalogs: both languages have every key, and placeholders match."""

from __future__ import annotations

import re

from core.i18n import catalog_keys, translator


class TestCatalogs:
    def test_same_keys_in_ru_and_en(self) -> None:
        assert catalog_keys("ru") == catalog_keys("en")

    def test_placeholders_match(self) -> None:
        ru, en = translator("ru"), translator("en")
        for key in catalog_keys("en"):
            assert set(re.findall(r"{(\w+)}", ru(key))) == set(re.findall(r"{(\w+)}", en(key))), key

    def test_unknown_language_falls_back_to_russian(self) -> None:
        assert translator("de")("note.saved", number=1) == "Сохранил как заметку #1."
