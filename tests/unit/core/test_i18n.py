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

    def test_no_key_is_written_twice(self) -> None:
        """A second ``msgid`` of a key silently replaces the first one's text everywhere it is used."""
        from collections import Counter
        from pathlib import Path

        root = Path(__file__).resolve().parents[3] / "core" / "i18n" / "locales"
        for lang in ("ru", "en"):
            ids = Counter(m for po in root.glob(f"*/{lang}.po")
                          for m in re.findall(r'^msgid "(.+)"$', po.read_text(encoding="utf-8"), re.MULTILINE))
            assert [k for k, n in ids.items() if n > 1] == [], lang
