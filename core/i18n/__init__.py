"""Gettext catalogs (``core/i18n/locales/<lang>.po``) compiled in memory at startup; one Translator per language."""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"


@lru_cache
def _catalog(language: str) -> gettext.GNUTranslations:
    path = LOCALES_DIR / f"{language}.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


class Translator:
    """``t("note.saved", number=5)`` → the text for the language, with ``{placeholders}`` filled in."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._catalog = _catalog(self.language)

    def __call__(self, key: str, /, **params: Any) -> str:
        text = self._catalog.gettext(key)
        if text == key and self.language != "en":
            text = _catalog("en").gettext(key)
        return text.format(**params) if params else text


def translator(language: str) -> Translator:
    return Translator(language)


def catalog_keys(language: str) -> set[str]:
    with (LOCALES_DIR / f"{language}.po").open("rb") as fh:
        return {str(m.id) for m in read_po(fh) if m.id}
