"""What the documents app says in a chat, beyond its catalog entries: page counts with their plural, citations."""

from __future__ import annotations

from typing import Any

from core.i18n import Translator


def plural_key(n: int, language: str) -> str:
    if language == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    return "one" if n == 1 else "many"


def pages_text(n: int, t: Translator) -> str:
    return t(f"documents.pages.{plural_key(n, t.language)}", n=n)


def ready_text(name: str, pages: int, scanned: int, t: Translator, ocr: int = 0) -> str:
    """"Ready", and what became of its scanned pages: read by OCR, or not (no OCR installed, nothing recognised)."""
    text = t("documents.ready", name=name, pages=pages_text(pages, t))
    if ocr:
        text += "\n" + t("documents.ocr", n=ocr)
    if scanned > ocr:
        text += "\n" + t("documents.scanned" if not ocr else "documents.scanned_unread", n=scanned - ocr)
    return text


def citation_label(citation: dict[str, Any], t: Translator) -> str:
    """What a citation button says: «📄 name, p. 3»."""
    name = str(citation.get("file_name", ""))
    if len(name) > 28:
        name = name[:27] + "…"
    return t("documents.cite", n=citation.get("n", ""), name=name, page=citation.get("page", ""))
