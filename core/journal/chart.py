"""The dashboard's key chart as a picture for the chat (``/stats``): spending by category this month above spending by
month over the last year, in one currency. Pure: figures in, PNG bytes out (Pillow, no plotting library).

The labels need a font with Cyrillic: DejaVu Sans (Debian's ``fonts-dejavu-core``) or another common one; without
any, Pillow's own font draws the Latin text."""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from core.i18n import Translator

FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
             Path("/Library/Fonts"), Path("C:/Windows/Fonts"))
FONTS = {False: ("dejavu/DejaVuSans.ttf", "liberation/LiberationSans-Regular.ttf", "noto/NotoSans-Regular.ttf",
                 "DejaVuSans.ttf", "Arial.ttf", "arial.ttf"),
         True: ("dejavu/DejaVuSans-Bold.ttf", "liberation/LiberationSans-Bold.ttf", "noto/NotoSans-Bold.ttf",
                "DejaVuSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf")}
MONTHS = {"ru": ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"),
          "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")}
MONTHS_FULL = {"ru": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
                      "ноябрь", "декабрь"),
               "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                      "October", "November", "December")}

WIDTH = 1200
MARGIN = 48
ROW = 46  # one category's bar and its gap
MAX_ROWS = 8  # the largest categories; the rest are summed as one row
MONTH_PLOT = 380  # the height of the month bars' area
BACKGROUND, INK, HINT, GRID = "#ffffff", "#1f2328", "#6e7781", "#e6e8eb"
BAR = "#3390ec"
PALETTE = ("#3390ec", "#f5a623", "#34c759", "#ff6b6b", "#8e7cc3", "#00b8d9", "#e67e22", "#95a5a6")


@dataclass(frozen=True)
class Bar:
    label: str
    amount: float
    color: str | None = None


@dataclass(frozen=True)
class ChartFigures:
    """What the picture shows, in one currency: this month's categories (largest first) and the months up to it
    (``YYYY-MM``, oldest first, months without spending as 0)."""

    currency: str
    month: dt.date  # any day of the current month
    categories: Sequence[Bar]
    months: Sequence[tuple[str, float]]


def money(amount: float, currency: str, language: str) -> str:
    """``12 345.50 RUB`` (``12 345,50 RUB`` in Russian); whole amounts without the cents."""
    text = f"{amount:,.2f}".replace(",", "\u00a0").removesuffix(".00")
    if language == "ru":
        text = text.replace(".", ",")
    return f"{text}\u00a0{currency}"


def compact(amount: float, language: str) -> str:
    """An axis tick or a bar's top: 950, 12k, 1.5M (12 тыс., 1,5 млн in Russian)."""
    for limit, en, ru in ((1e6, "M", "\u00a0млн"), (1e3, "k", "\u00a0тыс.")):
        if abs(amount) >= limit:
            value = f"{amount / limit:.1f}".removesuffix(".0")
            return (value.replace(".", ",") + ru) if language == "ru" else value + en
    return f"{amount:.0f}"


def month_name(month: dt.date, language: str) -> str:
    return f"{MONTHS_FULL.get(language, MONTHS_FULL['en'])[month.month - 1]} {month.year}"


@lru_cache(maxsize=32)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in FONTS[bold]:
        for folder in FONT_DIRS:
            if (folder / name).is_file():
                return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)


def _width(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> float:
    return draw.textlength(text, font=font)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
         width: float) -> str:
    """The text, cut with "…" to fit ``width`` pixels."""
    if _width(draw, text, font) <= width:
        return text
    while text and _width(draw, text + "…", font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def nice_step(top: float, ticks: int = 4) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10ⁿ) giving about ``ticks`` gridlines up to ``top``."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _rows(categories: Sequence[Bar], other: str) -> list[Bar]:
    shown = [c for c in categories if c.amount > 0]
    if len(shown) <= MAX_ROWS:
        return shown
    rest = sum(c.amount for c in shown[MAX_ROWS - 1:])
    return [*shown[:MAX_ROWS - 1], Bar(other, rest, "#b0b7bf")]


def draw(figures: ChartFigures, t: Translator) -> bytes:
    """The PNG: a title, this month's categories as horizontal bars with their amounts, then the months as columns
    with a value axis (ticks, gridlines) and both axes named."""
    rows = _rows(figures.categories, t("journal.chart.other"))
    category_height = 70 + max(len(rows), 1) * ROW
    month_height = 70 + MONTH_PLOT + 80
    height = MARGIN + 60 + category_height + 30 + month_height + MARGIN // 2
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    pen = ImageDraw.Draw(image)
    title, head, small, tiny = _font(36, bold=True), _font(26, bold=True), _font(22), _font(18)

    pen.text((MARGIN, MARGIN), t("journal.chart.title", currency=figures.currency), font=title, fill=INK)
    y = MARGIN + 60
    y = _draw_categories(pen, rows, figures, t, y, head, small)
    _draw_months(image, pen, figures, t, y + 30, head, small, tiny)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw_categories(pen: ImageDraw.ImageDraw, rows: list[Bar], figures: ChartFigures, t: Translator, y: int,
                     head: ImageFont.FreeTypeFont | ImageFont.ImageFont,
                     small: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> int:
    language = t.language
    pen.text((MARGIN, y), t("journal.chart.by_category", month=month_name(figures.month, language)), font=head,
             fill=INK)
    y += 50
    if not rows:
        pen.text((MARGIN, y + 8), t("journal.chart.no_spending_month"), font=small, fill=HINT)
        return y + ROW
    label_width, amount_width = 300, 200
    left = MARGIN + label_width + 16
    span = WIDTH - MARGIN - amount_width - left
    top = max(r.amount for r in rows)
    for n, row in enumerate(rows):
        pen.text((MARGIN, y + 6), _fit(pen, row.label, small, label_width), font=small, fill=INK)
        length = max(3, round(span * row.amount / top))
        pen.rounded_rectangle((left, y + 4, left + length, y + ROW - 10), radius=6,
                              fill=row.color or PALETTE[n % len(PALETTE)])
        pen.text((left + length + 12, y + 6), money(row.amount, figures.currency, language), font=small, fill=INK)
        y += ROW
    return y


def _draw_months(image: Image.Image, pen: ImageDraw.ImageDraw, figures: ChartFigures, t: Translator, y: int,
                 head: ImageFont.FreeTypeFont | ImageFont.ImageFont,
                 small: ImageFont.FreeTypeFont | ImageFont.ImageFont,
                 tiny: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    language = t.language
    pen.text((MARGIN, y), t("journal.chart.by_month"), font=head, fill=INK)
    plot_top, plot_bottom = y + 70, y + 70 + MONTH_PLOT
    left, right = MARGIN + 110, WIDTH - MARGIN
    top = max((a for _, a in figures.months), default=0.0)
    step = nice_step(top)
    ceiling = step * max(1, math.ceil(top / step))

    def level(amount: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * amount / ceiling

    tick = 0.0
    while tick <= ceiling + step / 2:
        ty = level(tick)
        pen.line((left, ty, right, ty), fill=GRID if tick else HINT, width=1 if tick else 2)
        label = compact(tick, language)
        pen.text((left - 12 - _width(pen, label, tiny), ty - 11), label, font=tiny, fill=HINT)
        tick += step
    # the value axis' name, turned to read upwards along it
    name = t("journal.chart.amount_axis", currency=figures.currency)
    box = pen.textbbox((0, 0), name, font=small)
    turned = Image.new("RGB", (round(box[2]) + 4, round(box[3]) + 4), BACKGROUND)
    ImageDraw.Draw(turned).text((2, 0), name, font=small, fill=HINT)
    turned = turned.rotate(90, expand=True)
    image.paste(turned, (MARGIN - 8, round((plot_top + plot_bottom - turned.height) / 2)))

    months = list(figures.months)
    slot = (right - left) / max(len(months), 1)
    bar = min(slot * 0.62, 90)
    names = MONTHS.get(language, MONTHS["en"])
    for n, (key, amount) in enumerate(months):
        year, month = int(key[:4]), int(key[5:7])
        cx = left + slot * (n + 0.5)
        if amount > 0:
            pen.rectangle((cx - bar / 2, level(amount), cx + bar / 2, plot_bottom - 1), fill=BAR)
            value = compact(amount, language)
            pen.text((cx - _width(pen, value, tiny) / 2, level(amount) - 24), value, font=tiny, fill=INK)
        label = names[month - 1]
        pen.text((cx - _width(pen, label, tiny) / 2, plot_bottom + 8), label, font=tiny, fill=INK)
        if n == 0 or month == 1:
            pen.text((cx - _width(pen, str(year), tiny) / 2, plot_bottom + 30), str(year), font=tiny, fill=HINT)
    axis = t("journal.chart.month_axis")
    pen.text(((left + right - _width(pen, axis, small)) / 2, plot_bottom + 56), axis, font=small, fill=HINT)
