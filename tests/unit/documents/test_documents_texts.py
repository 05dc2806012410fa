"""The bot's "ready" message says what became of a document's scanned pages, in Russian and English."""

from __future__ import annotations

from core.documents.texts import ready_text
from core.i18n import translator


class TestReadyText:
    def test_scans_read_by_ocr_are_told_and_the_rest_counted(self) -> None:
        text = ready_text("Скан.pdf", 3, 2, translator("ru"), 1)
        assert text.splitlines() == [
            "📄 Скан.pdf — 3 страницы, готово к вопросам",
            "Отсканированных страниц, прочитанных распознаванием текста (OCR): 1. Цитаты из них сверяйте со "
            "страницей.",
            "Отсканированных страниц, на которых текст не распознан: 1."]

    def test_without_ocr_scans_are_unreadable(self) -> None:
        text = ready_text("Scan.pdf", 1, 1, translator("en"))
        assert text.splitlines() == ["📄 Scan.pdf — 1 page, ready for questions",
                                     "Pages without a text layer (scans): 1. I cannot see their text."]

    def test_all_scans_read(self) -> None:
        text = ready_text("Scan.pdf", 2, 2, translator("en"), 2)
        assert text.splitlines()[1:] == [
            "Scanned pages read by text recognition (OCR): 2. Check the quotes from them against the page."]
