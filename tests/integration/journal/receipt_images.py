"""Receipts drawn for the journal's photo tests: dark text on a white slip, one line per row."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

CYRILLIC_FONTS = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                  Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")]
EN_RECEIPT = ["BLUE BOTTLE COFFEE", "2025-03-14 09:31", "Latte 4.50", "Croissant 3.25", "TOTAL 7.75 USD",
              "Thank you"]
RU_RECEIPT = ["ШОКОЛАДНИЦА", "Кассовый чек 14.03.2025", "Капучино 250,00", "Круассан 180,00", "ИТОГО 430,00 руб",
              "Спасибо за покупку"]


def receipt_png(lines: list[str], font: Any = None) -> bytes:
    font = font or ImageFont.load_default(size=32)  # Pillow's own font: Latin letters on any machine
    image = Image.new("RGB", (720, 60 + 52 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((36, 30 + 52 * row), line, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def cyrillic_font() -> Any:
    path = next((p for p in CYRILLIC_FONTS if p.exists()), None)
    if path is None:
        pytest.skip("no font with Cyrillic letters on this machine")
    return ImageFont.truetype(str(path), 32)
