"""Reading files: the kind, the refusals (with their codes), the pages and blocks of a PDF, of Markdown, HTML, JSON."""

from __future__ import annotations

import pytest

from core.documents import reading, service
from core.documents.errors import DocumentsError
from tests.support.documents import (
    FACTS,
    SCAN_LINES,
    SCAN_TOP,
    TABLE,
    TABLE_PAGE,
    facts_pdf,
    scanned_pdf,
    scanned_text_pdf,
)

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_pages": 100}


def refused(kind: str, data: bytes, **limits: int) -> DocumentsError:
    with pytest.raises(DocumentsError) as caught:
        reading.check(kind, data, **{**LIMITS, **limits})
    return caught.value


class TestKind:
    @pytest.mark.parametrize(("name", "mime", "kind"), [
        ("Устав.PDF", None, "pdf"), ("notes.md", "application/octet-stream", "md"), ("page.htm", None, "html"),
        ("data.json", None, "json"), ("noext", "application/pdf", "pdf"), ("noext", "text/markdown", "md")])
    def test_by_extension_or_declared_type(self, name: str, mime: str | None, kind: str) -> None:
        assert reading.kind_of(name, mime, b"x") == kind

    def test_a_pdf_without_a_name_is_known_by_its_signature(self) -> None:
        assert reading.kind_of("", "application/octet-stream", b"%PDF-1.7\n...") == "pdf"

    @pytest.mark.parametrize("name", ["report.docx", "photo.png", "archive.zip", ""])
    def test_anything_else_is_unsupported(self, name: str) -> None:
        with pytest.raises(DocumentsError) as caught:
            reading.kind_of(name, "application/octet-stream", b"PK\x03\x04")
        assert caught.value.code == "ERR_DOC_UNSUPPORTED"


class TestRefusals:
    def test_empty(self) -> None:
        assert refused("pdf", b"").code == "ERR_DOC_EMPTY"
        assert refused("md", b"  \n ").code == "ERR_DOC_EMPTY"

    def test_too_large(self) -> None:
        error = refused("md", b"x" * 2000, max_bytes=1000)
        assert (error.code, error.status_code) == ("ERR_DOC_TOO_LARGE", 413)

    def test_too_many_pages(self) -> None:
        error = refused("pdf", facts_pdf(), max_pages=3)
        assert error.code == "ERR_DOC_TOO_MANY_PAGES" and error.params == {"pages": 5, "max": 3}

    def test_a_password_protected_pdf(self) -> None:
        assert refused("pdf", facts_pdf(password="secret")).code == "ERR_DOC_ENCRYPTED"

    @pytest.mark.parametrize("data", [b"%PDF-1.4 not much", b"just some text", facts_pdf()[:2000]])
    def test_a_broken_pdf(self, data: bytes) -> None:
        assert refused("pdf", data).code == "ERR_DOC_BROKEN"

    def test_text_that_is_not_utf8_and_invalid_json(self) -> None:
        assert refused("md", "привет".encode("cp1251")).code == "ERR_DOC_BROKEN"
        assert refused("json", b'{"a": ').code == "ERR_DOC_BROKEN"

    def test_a_readable_pdf_counts_its_pages(self) -> None:
        assert reading.check("pdf", facts_pdf(), **LIMITS) == 5


class TestPdf:
    def test_each_fact_is_a_block_of_its_page(self) -> None:
        pages = reading.read_pages("pdf", facts_pdf(), 0, 10)
        assert [p.number for p in pages] == [1, 2, 3, 4, 5]
        for page in pages:
            texts = [b.text for b in page.blocks if b.kind == "text"]
            for fact in FACTS[page.number]:
                assert fact in texts, (page.number, texts)

    def test_the_table_is_one_block_with_its_rows(self) -> None:
        page = reading.read_pages("pdf", facts_pdf(), TABLE_PAGE - 1, TABLE_PAGE)[0]
        tables = [b for b in page.blocks if b.kind == "table"]
        assert len(tables) == 1
        assert tables[0].text.splitlines() == [" | ".join(row) for row in TABLE]

    def test_boxes_are_fractions_from_the_top_left(self) -> None:
        page = reading.read_pages("pdf", facts_pdf(), 1, 2)[0]
        first, second = page.blocks
        for block in page.blocks:
            x0, y0, x1, y1 = block.box
            assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1
        assert first.box[1] < second.box[1]  # the first paragraph is higher up
        assert first.box[1] == pytest.approx((842 - 791) / 842, abs=0.02)  # written at y=780 of 842 points

    def test_a_page_without_a_text_layer_is_told_apart(self) -> None:
        (page,) = reading.read_pages("pdf", scanned_pdf(), 0, 1)
        assert not page.has_text and page.blocks == [] and not page.text_layer and not page.ocr


@pytest.mark.skipif(not reading.ocr_languages(), reason="needs tesseract-ocr with rus and eng (make system-deps)")
class TestOcr:
    def test_a_scanned_paragraph_is_read_with_its_box(self) -> None:
        (page,) = reading.read_pages("pdf", scanned_text_pdf(), 0, 1)
        assert page.ocr and not page.text_layer
        (block,) = page.blocks
        assert block.text == " ".join(SCAN_LINES)
        x0, y0, x1, y1 = block.box
        assert y0 == pytest.approx(SCAN_TOP, abs=0.02) and x0 == pytest.approx(150 / 1240, abs=0.02)
        assert SCAN_TOP + 0.05 < y1 < SCAN_TOP + 0.1 and 0.5 < x1 < 0.95  # two lines, most of the width

    async def test_at_most_ocr_max_pages_are_read_by_ocr(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(reading, "OCR_MAX_PAGES", 1)
        result = await service.read_file("pdf", scanned_text_pdf(pages=2), 2)
        assert (result.scanned, result.ocr) == (2, 1)
        assert [(row["number"], row["has_text"]) for row in result.pages] == [(1, True), (2, False)]

    def test_without_ocr_the_scan_stays_unread(self) -> None:
        (page,) = reading.read_pages("pdf", scanned_text_pdf(), 0, 1, ocr_limit=0)
        assert not page.has_text and page.blocks == [] and not page.ocr


class TestTextFiles:
    def test_markdown_is_cut_into_pages_at_paragraphs(self) -> None:
        paragraphs = [f"Paragraph {n}. " + "word " * 100 for n in range(20)]
        pages = reading.read_pages("md", "\n\n".join(paragraphs).encode(), 0, 100)
        assert len(pages) > 1
        assert [b.text for p in pages for b in p.blocks] == [p.strip() for p in paragraphs]
        assert all(len(p.text) <= reading.PAGE_CHARS + 600 for p in pages)

    def test_html_keeps_visible_text_and_table_rows(self) -> None:
        html = ("<html><head><style>p{}</style><script>var x = 1;</script></head><body><h1>Прайс</h1>"
                "<p>Цены &amp; сроки.</p><table><tr><th>Товар</th><th>Цена</th></tr>"
                "<tr><td>Насос</td><td>100</td></tr></table></body></html>")
        (page,) = reading.read_pages("html", html.encode(), 0, 1)
        texts = [b.text for b in page.blocks]
        assert "Прайс" in texts and "Цены & сроки." in texts
        assert "Товар | Цена\nНасос | 100" in texts
        assert "var x" not in page.text

    def test_json_is_read_as_indented_text(self) -> None:
        (page,) = reading.read_pages("json", b'{"warranty": {"pumps": "24 months"}}', 0, 1)
        assert '"pumps": "24 months"' in page.text


class TestImages:
    def test_a_crop_is_the_blocks_region(self) -> None:
        data = facts_pdf()
        page = reading.read_pages("pdf", data, TABLE_PAGE - 1, TABLE_PAGE)[0]
        table = next(b for b in page.blocks if b.kind == "table")
        image = reading.render_page(data, TABLE_PAGE)
        crop = reading.crop(image, table.box, margin=0)
        w, h = image.size
        x0, y0, x1, y1 = table.box
        assert crop.size == pytest.approx(((x1 - x0) * w + 1, (y1 - y0) * h + 1), abs=2)
        # the table is written in black on white: the crop is mostly ink-free paper but has ink in it
        gray = crop.convert("L")
        lo, hi = gray.getextrema()
        assert lo < 100 and hi > 200
