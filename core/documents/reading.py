"""Reading files: what kind a file is, whether it can be read (limits, encryption, damage), and its pages and
blocks (paragraphs and table rows with their boxes). PDFs go through PDFium (pypdfium2): text per page, text-line
boxes grouped into blocks, page images rendered on demand and cropped for zoom. Markdown, HTML and JSON are text,
cut into pages of about PAGE_CHARS characters at paragraph boundaries. A PDF page with no text layer (a scan) is
rendered and read by OCR — Tesseract (Debian's tesseract-ocr with its Russian and English data), when installed — its
words grouped into paragraphs with their boxes, like a text page's; without Tesseract the page stays unread and the
file says how many such pages it has.

PDFium is not thread-safe: every call into it holds ``_PDFIUM`` (the callers run these functions in a thread)."""

from __future__ import annotations

import csv
import functools
import io
import json
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath

import pypdfium2 as pdfium
from PIL import Image

from core.documents.errors import (
    ERR_DOC_BROKEN,
    ERR_DOC_EMPTY,
    ERR_DOC_ENCRYPTED,
    ERR_DOC_TOO_LARGE,
    ERR_DOC_TOO_MANY_PAGES,
    ERR_DOC_UNSUPPORTED,
    DocumentsError,
)

KINDS = ("pdf", "md", "html", "json")
_EXTENSIONS = {".pdf": "pdf", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}
_MIMES = {"application/pdf": "pdf", "text/markdown": "md", "text/x-markdown": "md", "text/html": "html",
          "application/json": "json"}
MIME_OF = {"pdf": "application/pdf", "md": "text/markdown", "html": "text/html", "json": "application/json"}
PAGE_CHARS = 3000  # a "page" of a text file
BLOCK_CHARS = 1500  # a longer paragraph is cut
RENDER_SCALE = 2.0  # 144 dpi: small print stays legible in a zoom
_PDFIUM = threading.Lock()
_FPDF_ERR_PASSWORD = 4
OCR_SCALE = 300 / 72  # 300 dpi: what Tesseract reads best
OCR_LANGUAGES = ("rus", "eng")
OCR_TIMEOUT = 120.0  # seconds for one page
OCR_MIN_CONFIDENCE = 30  # words Tesseract is less sure of are noise (a drawing's lines read as letters)
# scanned pages read by OCR in one file (about a second each): the ingest job stays well within its lease
# (JOB_LEASE_SECONDS, 300); the pages past it are counted as scans without text
OCR_MAX_PAGES = 100


@dataclass
class Block:
    number: int
    text: str
    kind: str = "text"  # text | table
    box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)  # x0, y0, x1, y1: fractions, top-left origin


@dataclass
class Page:
    number: int
    text: str
    width: float = 0.0
    height: float = 0.0
    blocks: list[Block] = field(default_factory=list)
    text_layer: bool = True  # False: a scan (its text, if any, was read by OCR)

    @property
    def has_text(self) -> bool:
        return bool(self.text.strip())

    @property
    def ocr(self) -> bool:
        """Text read by OCR from a page without a text layer."""
        return not self.text_layer and self.has_text


def kind_of(name: str, mime_type: str | None, data: bytes) -> str:
    """pdf | md | html | json, from the name's extension, else the declared type, else a PDF's signature."""
    kind = _EXTENSIONS.get(PurePath(name).suffix.lower()) or _MIMES.get((mime_type or "").split(";")[0].strip())
    if kind is None and data.lstrip()[:5] == b"%PDF-":
        kind = "pdf"
    if kind is None:
        raise DocumentsError(ERR_DOC_UNSUPPORTED, "only PDF, Markdown, HTML and JSON files are read")
    return kind


def supported(name: str, mime_type: str | None) -> bool:
    """Whether a file of this name and type is one of ours (before its bytes are known)."""
    return PurePath(name).suffix.lower() in _EXTENSIONS or (mime_type or "").split(";")[0].strip() in _MIMES


def check(kind: str, data: bytes, *, max_bytes: int, max_pages: int) -> int:
    """Refuse what cannot be read (with the reason's code); the number of pages of what can."""
    if not data.strip():
        raise DocumentsError(ERR_DOC_EMPTY, "the file is empty")
    if len(data) > max_bytes:
        raise DocumentsError(ERR_DOC_TOO_LARGE, f"a file is at most {max_bytes} bytes", status=413,
                             mb=_megabytes(max_bytes))
    pages = _pdf_pages(data) if kind == "pdf" else len(_text_pages(kind, data))
    if pages == 0:
        raise DocumentsError(ERR_DOC_EMPTY, "the file has no pages")
    if pages > max_pages:
        raise DocumentsError(ERR_DOC_TOO_MANY_PAGES, f"{pages} pages; at most {max_pages} are read",
                             pages=pages, max=max_pages)
    return pages


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g}"


def _open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _FPDF_ERR_PASSWORD:
            raise DocumentsError(ERR_DOC_ENCRYPTED, "the PDF is protected by a password") from exc
        raise DocumentsError(ERR_DOC_BROKEN, "the PDF is damaged or not a PDF") from exc


def _pdf_pages(data: bytes) -> int:
    with _PDFIUM:
        document = _open_pdf(data)
        try:
            return len(document)
        finally:
            document.close()


def read_pages(kind: str, data: bytes, start: int, stop: int, *, ocr_limit: int = OCR_MAX_PAGES) -> list[Page]:
    """Pages ``start``..``stop-1`` (0-based) with their blocks; at most ``ocr_limit`` pages without a text layer read
    by OCR (when Tesseract is installed)."""
    if kind != "pdf":
        return _text_pages(kind, data)[start:stop]
    languages = ocr_languages() if ocr_limit > 0 else ""
    scans: list[tuple[Page, Image.Image]] = []
    with _PDFIUM:
        document = _open_pdf(data)
        try:
            pages = [_pdf_page(document, index) for index in range(start, min(stop, len(document)))]
            for page in pages:
                if not page.has_text:
                    page.text_layer = False
                    if languages and len(scans) < ocr_limit:
                        scans.append((page, _render(document, page.number, OCR_SCALE).convert("L")))
        finally:
            document.close()
    for page, image in scans:  # outside the lock: Tesseract is a process of its own
        page.text, page.blocks = _ocr(image, languages)
    return pages


# -- PDF ----------------------------------------------------------------------------------------------------------


@dataclass
class _Line:
    top: float
    bottom: float
    cells: list[tuple[float, float, str]]  # left, right, text

    @property
    def height(self) -> float:
        return max(1.0, self.top - self.bottom)

    @property
    def is_row(self) -> bool:
        """Several separate pieces of text on one line: a table row."""
        return len(self.cells) >= 2


def _pdf_page(document: pdfium.PdfDocument, index: int) -> Page:
    page = document[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range().replace("\r\n", "\n")
            pieces = []
            for i in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(i)
                piece = textpage.get_text_bounded(left, bottom, right, top).replace("\r\n", " ").strip()
                if piece:
                    pieces.append((left, bottom, right, top, piece))
        finally:
            textpage.close()
    finally:
        page.close()
    blocks = _blocks(_lines(pieces), width, height)
    return Page(number=index + 1, text=text, width=width, height=height, blocks=blocks)


def _lines(pieces: list[tuple[float, float, float, float, str]]) -> list[_Line]:
    """Pieces of text on the same baseline make one line (top to bottom, left to right)."""
    lines: list[_Line] = []
    for left, bottom, right, top, text in sorted(pieces, key=lambda p: (-p[3], p[0])):
        middle = (top + bottom) / 2
        line = next((ln for ln in lines if ln.bottom <= middle <= ln.top), None)
        if line is None:
            lines.append(_Line(top, bottom, [(left, right, text)]))
        else:
            line.cells.append((left, right, text))
            line.top, line.bottom = max(line.top, top), min(line.bottom, bottom)
    for line in lines:
        line.cells.sort()
    return sorted(lines, key=lambda ln: -ln.top)


def _blocks(lines: list[_Line], width: float, height: float) -> list[Block]:
    """Consecutive lines close together make a paragraph; consecutive table rows make a table."""
    groups: list[list[_Line]] = []
    for line in lines:
        if groups:
            last = groups[-1][-1]
            gap = last.bottom - line.top
            spacing = 1.5 if last.is_row else 1.0  # table rows stand further apart than a paragraph's lines
            if gap <= spacing * max(last.height, line.height) and last.is_row == line.is_row:
                groups[-1].append(line)
                continue
        groups.append([line])
    blocks: list[Block] = []
    for group in groups:
        is_table = group[0].is_row and len(group) >= 2
        if is_table:
            text = "\n".join(" | ".join(cell[2] for cell in line.cells) for line in group)
        else:
            text = " ".join(" ".join(cell[2] for cell in line.cells) for line in group)
        for chunk in _chunks(text):
            left = min(cell[0] for line in group for cell in line.cells)
            right = max(cell[1] for line in group for cell in line.cells)
            box = (_fraction(left, width), 1 - _fraction(group[0].top, height),
                   _fraction(right, width), 1 - _fraction(group[-1].bottom, height))
            blocks.append(Block(len(blocks) + 1, chunk, "table" if is_table else "text", box))
    return blocks


def _fraction(value: float, whole: float) -> float:
    return min(1.0, max(0.0, value / whole)) if whole else 0.0


def _chunks(text: str) -> list[str]:
    text = text.strip()
    if len(text) <= BLOCK_CHARS:
        return [text] if text else []
    chunks, rest = [], text
    while rest:
        cut = rest.rfind(" ", 0, BLOCK_CHARS) if len(rest) > BLOCK_CHARS else len(rest)
        cut = cut if cut > BLOCK_CHARS // 2 else min(len(rest), BLOCK_CHARS)
        chunks.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    return [c for c in chunks if c]


def render_page(data: bytes, number: int, *, scale: float = RENDER_SCALE) -> Image.Image:
    """Page ``number`` (1-based) as an image."""
    with _PDFIUM:
        document = _open_pdf(data)
        try:
            if not 1 <= number <= len(document):
                raise IndexError(f"no page {number}")
            return _render(document, number, scale)
        finally:
            document.close()


def _render(document: pdfium.PdfDocument, number: int, scale: float) -> Image.Image:
    page = document[number - 1]
    try:
        return page.render(scale=scale).to_pil().convert("RGB")
    finally:
        page.close()


# -- OCR (Tesseract) -----------------------------------------------------------------------------------------------


@functools.cache
def ocr_languages() -> str:
    """The Tesseract languages to read with ("rus+eng"), or "" when Tesseract or its language data is missing."""
    binary = shutil.which("tesseract")
    if binary is None:
        return ""
    try:
        listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return ""
    have = set(listed.stdout.split())
    return "+".join(lang for lang in OCR_LANGUAGES if lang in have)


def _ocr(image: Image.Image, languages: str) -> tuple[str, list[Block]]:
    """The page's text and its paragraphs (boxes as fractions of the page) as Tesseract reads them; nothing when it
    fails (the page stays a scan without text)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    binary = shutil.which("tesseract")
    if binary is None:
        return "", []
    try:
        done = subprocess.run([binary, "stdin", "stdout", "-l", languages, "tsv"], input=buffer.getvalue(),
                              capture_output=True, timeout=OCR_TIMEOUT, check=True)
    except (OSError, subprocess.SubprocessError):
        return "", []
    width, height = image.size
    paragraphs: dict[tuple[str, str], list[tuple[str, int, int, int, int, str]]] = {}
    rows = csv.DictReader(io.StringIO(done.stdout.decode("utf-8", "replace")), delimiter="\t",
                          quoting=csv.QUOTE_NONE)
    for row in rows:
        word = (row.get("text") or "").strip()
        try:
            confidence = float(row.get("conf") or -1)
            left, top = int(row["left"]), int(row["top"])
            right, bottom = left + int(row["width"]), top + int(row["height"])
        except (KeyError, TypeError, ValueError):
            continue
        if row.get("level") != "5" or not word or confidence < OCR_MIN_CONFIDENCE:
            continue
        paragraphs.setdefault((row["block_num"], row["par_num"]), []).append(
            (row["line_num"], left, top, right, bottom, word))
    blocks: list[Block] = []
    texts: list[str] = []
    for words in paragraphs.values():
        text = " ".join(word[5] for word in words)
        texts.append(text)
        box = (_fraction(min(w[1] for w in words), width), _fraction(min(w[2] for w in words), height),
               _fraction(max(w[3] for w in words), width), _fraction(max(w[4] for w in words), height))
        for chunk in _chunks(text):
            blocks.append(Block(len(blocks) + 1, chunk, "text", box))
    return "\n\n".join(texts), blocks


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def crop(image: Image.Image, box: tuple[float, float, float, float], *, margin: float = 0.02) -> Image.Image:
    """The region ``box`` (fractions, top-left origin) of a page image, with a small margin around it."""
    x0, y0, x1, y1 = box
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    w, h = image.size
    left, top = max(0, int((x0 - margin) * w)), max(0, int((y0 - margin) * h))
    right, bottom = min(w, int((x1 + margin) * w) + 1), min(h, int((y1 + margin) * h) + 1)
    if right - left < 2 or bottom - top < 2:
        return image
    return image.crop((left, top, right, bottom))


# -- text files ----------------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentsError(ERR_DOC_BROKEN, "the file is not UTF-8 text") from exc


class _HtmlText(HTMLParser):
    """The visible text of an HTML page: block elements break lines, table cells are joined by " | "."""

    _BREAKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "pre",
                         "blockquote", "ul", "ol", "table", "hr"})
    _SKIP = frozenset({"script", "style", "head", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag in self._BREAKS:
            self.out.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.out.append(" | ".join(self.row) + "\n")
            self.row = None
        elif tag in self._BREAKS:
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.row is None:
            self.out.append(data)


def _text_of(kind: str, data: bytes) -> str:
    text = _decode(data)
    if kind == "json":
        try:
            return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
        except ValueError as exc:
            raise DocumentsError(ERR_DOC_BROKEN, "the file is not valid JSON") from exc
    if kind == "html":
        parser = _HtmlText()
        parser.feed(text)
        parser.close()
        lines = [" ".join(line.split()) if " | " not in line else line.strip() for line in "".join(parser.out)
                 .split("\n")]
        return "\n".join(lines)
    return text


def _paragraphs(text: str) -> list[str]:
    out: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n\n"):
        out.extend(_chunks(raw))
    return out


def _text_pages(kind: str, data: bytes) -> list[Page]:
    paragraphs = _paragraphs(_text_of(kind, data))
    grouped: list[list[str]] = []
    size = 0
    for paragraph in paragraphs:
        if not grouped or size + len(paragraph) > PAGE_CHARS:
            grouped.append([])
            size = 0
        grouped[-1].append(paragraph)
        size += len(paragraph) + 2
    pages = []
    for number, group in enumerate(grouped, start=1):
        total = sum(len(p) for p in group) or 1
        blocks: list[Block] = []
        offset = 0
        for paragraph in group:
            kind_ = "table" if paragraph.count(" | ") >= 2 else "text"
            box = (0.0, offset / total, 1.0, (offset + len(paragraph)) / total)
            blocks.append(Block(len(blocks) + 1, paragraph, kind_, box))
            offset += len(paragraph)
        pages.append(Page(number=number, text="\n\n".join(group), blocks=blocks))
    return pages
