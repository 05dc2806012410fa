"""Item texts in the user's language, time zone and locale format: cards, agenda lines, day headers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date

from core.dates.recurrence import WEEKEND, WORKDAYS, from_rule
from core.i18n import Translator
from core.items.models import Item, ItemStatus

DAY_FORMAT = "EEE d MMM"
DAY_FORMAT_WITH_YEAR = "EEE d MMM y"
HEADER_FORMAT = "EEEE d MMMM"


def clock(value: dt.time | dt.datetime) -> str:
    """24-hour HH:MM in every language (the same form /set and the answers use)."""
    return f"{value.hour:02d}:{value.minute:02d}"


def part_of_day(value: dt.time) -> str:
    """morning 05–11, day 12–17, evening 18–23, night 00–04: the label of a button with this time."""
    if value.hour < 5:
        return "night"
    if value.hour < 12:
        return "morning"
    if value.hour < 18:
        return "day"
    return "evening"


def local_start(item: Item, tz: str) -> dt.datetime | None:
    return item.starts_at.astimezone(ZoneInfo(tz)) if item.starts_at is not None else None


def local_day(item: Item, tz: str) -> dt.date | None:
    start = local_start(item, tz)
    return start.date() if start is not None else item.due_date


def day_text(day: dt.date, language: str, today: dt.date | None = None) -> str:
    """"Tue 24 Nov" / "вт 24 нояб."; the year only when it is not this year."""
    pattern = DAY_FORMAT if today is None or day.year == today.year else DAY_FORMAT_WITH_YEAR
    return format_date(day, pattern, locale=language)


def day_header(day: dt.date, language: str) -> str:
    text = format_date(day, HEADER_FORMAT, locale=language)
    return text[:1].upper() + text[1:]


def time_range(item: Item, tz: str) -> str | None:
    """"15:00–16:00", or "15:00" without a duration; None for an item without a time."""
    start = local_start(item, tz)
    if start is None or item.starts_at is None:
        return None
    if not item.duration_min:
        return clock(start)
    end = (item.starts_at + dt.timedelta(minutes=item.duration_min)).astimezone(ZoneInfo(tz))
    return f"{clock(start)}–{clock(end)}"


def when_text(item: Item, tz: str, language: str, today: dt.date | None = None) -> str | None:
    """"Tue 24 Nov 15:00–16:00", "Tue 24 Nov" (a day without a time), or None."""
    day = local_day(item, tz)
    if day is None:
        return None
    times = time_range(item, tz)
    return f"{day_text(day, language, today)} {times}" if times else day_text(day, language, today)


def repeat_text(rule: str, t: Translator) -> str:
    """"every Monday and Wednesday" / "по понедельникам и средам", "on weekdays", "every month on day 1"."""
    repeat = from_rule(rule)
    if repeat is None:
        return rule
    n = repeat.interval
    if repeat.freq == "WEEKLY" and repeat.byday:
        days = sorted(set(repeat.byday))
        if n == 1 and tuple(days) in (WORKDAYS, WEEKEND):
            return t("items.repeat.workdays" if tuple(days) == WORKDAYS else "items.repeat.weekends")
        names = [t(f"items.repeat.day.{day}") for day in days]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + t("items.repeat.and") + names[-1]
        return t("items.repeat.weekly_on", days=listed) if n == 1 else t("items.repeat.weeks_on", n=n, days=listed)
    if repeat.freq == "MONTHLY" and repeat.bymonthday is not None:
        return t("items.repeat.monthly_on", day=repeat.bymonthday, n=n)
    key = {"HOURLY": "hour", "DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}[repeat.freq]
    return t(f"items.repeat.{key}") if n == 1 else t(f"items.repeat.{key}s", n=n)


def _repeat_suffix(item: Item, t: Translator) -> str:
    return f" · 🔁 {repeat_text(item.recurrence, t)}" if item.recurrence else ""


def _status_suffix(item: Item, t: Translator) -> str:
    if item.status in (ItemStatus.DONE, ItemStatus.CANCELLED):
        return f" · {t('items.status.' + item.status)}"
    return ""


def _message_suffix(item: Item, t: Translator, tz: str, today: dt.date | None) -> str:
    """" · 📷 3" for an item holding photos, " · ↪ from Ann, Tue 24 Nov" for one forwarded from elsewhere."""
    suffix = f" · 📷 {len(item.photos)}" if item.photos else ""
    if item.forwarded_from:
        zone = ZoneInfo(tz)
        when = item.forwarded_at.astimezone(zone).date() if item.forwarded_at else None
        source = t("items.forwarded", source=item.forwarded_from)
        this_year = today or dt.datetime.now(zone).date()  # a forward is often from another year: then it is said
        suffix += f" · {source}" + (f", {day_text(when, t.language, this_year)}" if when else "")
    return suffix


def headline(item: Item, t: Translator) -> str:
    """"#5 meeting: Lunch with Ann"."""
    return t("items.headline", number=item.number, kind=t("items.kind." + item.kind), title=item.title)


def card(item: Item, t: Translator, tz: str, today: dt.date | None = None) -> str:
    """"#5 meeting: Lunch with Ann — Tue 24 Nov 15:00–16:00", plus " · done"/" · cancelled"."""
    when = when_text(item, tz, t.language, today)
    text = headline(item, t) + (f" — {when}" if when else "")
    return text + _repeat_suffix(item, t) + _message_suffix(item, t, tz, today) + _status_suffix(item, t)


def agenda_line(item: Item, t: Translator, tz: str) -> str:
    """A line under a day header: "15:00–16:00 #5 meeting: Lunch with Ann" (no time: just the headline)."""
    times = time_range(item, tz)
    return (f"{times} " if times else "") + headline(item, t) + (" 🔁" if item.recurrence else "") \
        + _status_suffix(item, t)
