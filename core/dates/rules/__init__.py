"""The rules: regular expressions over the prepared text (digits for number words), each with a handler
that records a fact and says whether the words were understood (and so leave the title).

Rules run in ``RULES`` order; text taken by one rule is masked and no later rule sees it. Order matters:
repeats first ("каждый понедельник" is no single Monday, "каждые 2 часа" no length),
time ranges first ("с 14:00 до 15:30"), spans before clocks ("через 2 часа" is not "в 2 часа"), full
numeric dates before clocks ("2026-12-24" is not "12-24"), qualified clocks ("в 9 вечера") before dates,
dates before bare hours ("в 9"), and bare durations ("45 минут") last.
"""

from __future__ import annotations

import re

from core.dates.rules import clocks, dates, repeats, spans
from core.dates.rules.common import Context, Handler

__all__ = ["RULES", "Context", "Handler"]

RULES: list[tuple[re.Pattern[str], Handler]] = [
    (repeats.WEEKDAYS, repeats.read_weekdays),
    (repeats.WORKWEEK, repeats.read_workweek),
    (repeats.PART, repeats.read_part),
    (repeats.MONTH_DAY, repeats.read_month_day),
    (repeats.MONTHLY_ON, repeats.read_monthly_on),
    (repeats.EVERY, repeats.read_every),
    (clocks.RANGE_WORDS, clocks.read_range),
    (clocks.RANGE_DASH, clocks.read_range),
    (clocks.RU_INTO, clocks.read_clock_words),
    (clocks.RU_WITHOUT, clocks.read_clock_words),
    (clocks.EN_PAST_TO, clocks.read_clock_words),
    (spans.RELATIVE, spans.read_relative),
    (spans.DURATION, spans.read_duration),
    (clocks.NOON, clocks.read_noon),
    (dates.ISO, dates.read_iso),
    (dates.NUMERIC, dates.read_numeric),
    (clocks.COLON, clocks.read_colon),
    (clocks.PREP_DOT, clocks.read_colon),
    (clocks.DOT_QUALIFIED, clocks.read_colon),
    (clocks.SPACED, clocks.read_colon),
    (clocks.HOURS_MINUTES, clocks.read_hours_minutes),
    (clocks.QUALIFIED, clocks.read_qualified),
    (clocks.HALF, clocks.read_half),
    (dates.RU_MONTH, dates.read_month_name),
    (dates.EN_DAY_MONTH, dates.read_month_name),
    (dates.EN_MONTH_DAY, dates.read_month_name),
    (dates.DOTTED, dates.read_dotted),
    (dates.SLASH, dates.read_slash),
    (dates.DAY_NUMBER, dates.read_day_of_month),
    (dates.DAY_GO, dates.read_day_of_month),
    (dates.DAY_E, dates.read_day_of_month),
    (dates.DAY_EN, dates.read_day_of_month),
    (dates.RELATIVE_DAY, dates.read_relative_day),
    (dates.PERIOD, dates.read_period),
    (dates.WEEKDAY, dates.read_weekday),
    (dates.PART_OF_DAY, dates.read_part_of_day),
    (clocks.BARE_HOUR, clocks.read_bare_hour),
    (spans.BARE_DURATION, spans.read_bare_duration),
]
