"""Documents for the tests, generated with reportlab: known facts on known pages and a table on one page."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)

# page -> the paragraphs written on it (each a block); page 3 also has the TABLE
FACTS: dict[int, list[str]] = {
    1: ["Устав ООО «Насосы и клапаны». Общие положения и предмет договора поставки оборудования.",
        "Настоящий документ определяет порядок поставки, приёмки и обслуживания оборудования."],
    2: ["Гарантийный срок на насосы составляет 24 месяца с даты ввода в эксплуатацию.",
        "Гарантия не распространяется на износ уплотнений и подшипников при нарушении условий монтажа."],
    3: ["Технические характеристики поставляемых насосов приведены в таблице."],
    4: ["Штраф за просрочку поставки составляет 0,1% от стоимости партии за каждый день просрочки.",
        "Оплата производится в течение 30 банковских дней после подписания акта приёмки."],
    5: ["The warranty period for valves is 12 months from the delivery date.",
        "Spare parts are shipped within five business days of the request."],
}
TABLE = [("Модель", "Мощность, кВт", "Напор, м"), ("НС-100", "7,5", "32"), ("НС-200", "15", "48"),
         ("НС-300", "22", "65")]
TABLE_PAGE = 3
TABLE_TOP = 700.0  # points from the bottom of the page: where the table's first row is written


@lru_cache
def _font() -> str:
    for path in FONT_FILES:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("DejaVu", path))
            return "DejaVu"
    raise RuntimeError("the tests need DejaVuSans.ttf (fonts-dejavu-core) for Cyrillic PDFs")


def facts_pdf(*, password: str | None = None, extra_pages: int = 0) -> bytes:
    """FACTS, one page each, and TABLE on page 3; ``extra_pages`` pages of filler after them."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=password)
    font = _font()
    for number in range(1, len(FACTS) + 1 + extra_pages):
        pdf.setFont(font, 11)
        y = 780.0
        for paragraph in FACTS.get(number, [f"Страница {number}: справочные сведения без особых фактов."]):
            y = _paragraph(pdf, paragraph, y)
        if number == TABLE_PAGE:
            y = TABLE_TOP
            for row in TABLE:
                for column, cell in enumerate(row):
                    pdf.drawString(72 + column * 150, y, cell)
                y -= 18
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _paragraph(pdf: canvas.Canvas, text: str, y: float, width: int = 80) -> float:
    line = ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            pdf.drawString(72, y, line)
            y -= 15
            line = ""
        line = f"{line} {word}".strip()
    if line:
        pdf.drawString(72, y, line)
        y -= 15
    return y - 25  # a blank line between paragraphs


def scanned_pdf() -> bytes:
    """One page with a drawing and no text layer (what a scan looks like to a text extractor)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.rect(100, 400, 300, 200, fill=1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


SCAN_LINES = ("Гарантийный срок на компрессоры", "составляет 36 месяцев.")
SCAN_TOP = 0.25  # where the scanned paragraph starts: a fraction of the page from the top


def scanned_text_pdf(pages: int = 1) -> bytes:
    """Pages that are only a picture of a paragraph (SCAN_LINES), no text layer: what OCR is for."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    width, height = 1240, 1754  # A4 at 150 dpi
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT_FILES[0], 44)
    y = int(SCAN_TOP * height)
    for line in SCAN_LINES:
        draw.text((150, y), line, font=font, fill=0)
        y += 70
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for _ in range(pages):
        pdf.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
