"""The /stats picture (``core.journal.chart``): a readable PNG whatever the figures — no category, one, many (the rest
summed as "Other"), names too long for their column, Russian and English — with each bar as long as its amount."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from core.i18n import translator
from core.journal.chart import MAX_ROWS, Bar, ChartFigures, compact, draw, money, nice_step

MONTH = dt.date(2026, 12, 5)
YEAR = [(f"2026-{m:02d}", float(m * 100)) for m in range(1, 13)]
RED, GREEN = "#ff0000", "#00aa00"


def png(figures: ChartFigures, language: str = "en") -> Image.Image:
    data = draw(figures, translator(language))
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and 5_000 < len(data) < 1_000_000
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG" and image.width == 1200
    return image


def bar_length(image: Image.Image, color: str) -> int:
    """The widest run of ``color`` along a row of the picture (a category's bar)."""
    rgb = Image.new("RGB", (1, 1), color).getpixel((0, 0))
    best = 0
    for y in range(image.height):
        row = [image.getpixel((x, y)) == rgb for x in range(image.width)]
        best = max(best, sum(row))
    return best


class TestDraw:
    def test_no_category_and_no_month_still_draw_the_axes(self) -> None:
        image = png(ChartFigures("USD", MONTH, [], [("2026-12", 0.0)]))
        assert 600 < image.height < 1000

    def test_bars_are_as_long_as_their_amounts(self) -> None:
        image = png(ChartFigures("RUB", MONTH, [Bar("Food", 1000, RED), Bar("Cafe", 500, GREEN)], YEAR), "ru")
        assert bar_length(image, GREEN) == pytest.approx(bar_length(image, RED) / 2, abs=3)

    def test_one_category(self) -> None:
        image = png(ChartFigures("EUR", MONTH, [Bar("Transport", 12.5, RED)], YEAR))
        assert bar_length(image, RED) > 500  # the largest bar takes the row

    def test_many_long_named_categories_keep_the_picture_bounded(self) -> None:
        many = [Bar("Категория с очень-очень длинным названием номер " + str(n), 1000 - n, None) for n in range(30)]
        few = png(ChartFigures("RUB", MONTH, many[:2], YEAR), "ru")
        lots = png(ChartFigures("RUB", MONTH, many, YEAR), "ru")
        assert lots.height == few.height + (MAX_ROWS - 2) * 46  # at most MAX_ROWS rows, the rest as one
        assert lots.height < 1400

    def test_zero_amounts_draw_no_bar(self) -> None:
        image = png(ChartFigures("RUB", MONTH, [Bar("Food", 0.0, RED)], YEAR))
        assert bar_length(image, RED) == 0


class TestNumbers:
    def test_money_and_ticks_read_in_each_language(self) -> None:
        assert money(12345.5, "RUB", "ru") == "12\u00a0345,50\u00a0RUB"
        assert money(60, "USD", "en") == "60\u00a0USD"
        assert (compact(1500, "en"), compact(1500, "ru"), compact(2_000_000, "en"), compact(950, "ru")) == (
            "1.5k", "1,5\u00a0тыс.", "2M", "950")

    @pytest.mark.parametrize(("top", "step"), [(0, 1), (1200, 500), (99, 25), (7, 2), (40_000, 10_000)])
    def test_tick_steps_are_round(self, top: float, step: float) -> None:
        assert nice_step(top) == step
