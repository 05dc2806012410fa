"""Gettext catalogs compiled in memory at startup; one Translator per language.

Each app keeps its own catalog, ``core/i18n/locales/<app>/<lang>.po``, named as the app; they are merged, and a
key may be defined once only. The text of a domain error's code has the code itself as its key
(``msgid "ERR_ITEM_NOT_FOUND"``): the bot and the web app both find it there (``core.errors.error_text``).
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"


def catalog_files(language: str) -> list[Path]:
    return sorted(LOCALES_DIR.glob(f"*/{language}.po"))


def _read(path: Path, language: str) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


@lru_cache
def _catalog(language: str) -> gettext.GNUTranslations:
    merged = Catalog(locale=language)
    for path in catalog_files(language):
        for message in _read(path, language):
            if message.id:
                if message.id in merged:
                    raise ValueError(f"i18n key {message.id!r} defined twice ({path})")
                merged.add(message.id, message.string)
    buf = io.BytesIO()
    write_mo(buf, merged)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


class Translator:
    """``t("note.saved", number=5)`` → the text for the language, with ``{placeholders}`` filled in."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._catalog = _catalog(self.language)

    def knows(self, key: str) -> bool:
        """Whether a catalog (this language's or the English fallback) has ``key``."""
        return key in catalog_keys(self.language) or key in catalog_keys("en")

    def __call__(self, key: str, /, **params: Any) -> str:
        text = self._catalog.gettext(key)
        if text == key and self.language != "en":
            text = _catalog("en").gettext(key)
        return text.format(**params) if params else text


def translator(language: str) -> Translator:
    return Translator(language)


@lru_cache
def catalog_keys(language: str) -> frozenset[str]:
    return frozenset(str(m.id) for path in catalog_files(language) for m in _read(path, language) if m.id)
