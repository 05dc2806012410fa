"""What the user asks to see: the agenda of the next days, open items page by page, search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.dates.parser import local_now
from core.errors import DomainError
from core.items import repository
from core.items.models import Item, ItemKind
from core.items.render import local_day

PAGE_SIZE = 10
FIND_LIMIT = 20

_KIND_WORDS = {
    ItemKind.TASK: ("tasks", "task", "задачи", "задача", "дела"),
    ItemKind.MEETING: ("meetings", "meeting", "встречи", "встреча"),
    ItemKind.NOTE: ("notes", "note", "заметки", "заметка"),
    ItemKind.REMINDER: ("reminders", "reminder", "напоминания", "напоминание"),
}
_ALL_WORDS = ("", "all", "все", "всё")


def kind_from_word(word: str) -> ItemKind | None:
    """``/list tasks`` → TASK; no word (or "all") → None; an unknown word raises ERR_LIST_KIND."""
    word = word.strip().casefold()
    if word in _ALL_WORDS:
        return None
    for kind, words in _KIND_WORDS.items():
        if word in words:
            return kind
    raise DomainError("ERR_LIST_KIND", f"unknown kind {word!r}")


@dataclass(frozen=True)
class Page:
    items: list[Item]
    page: int  # 0-based, clamped into range
    pages: int
    total: int


async def open_items(session: AsyncSession, user_id: int, kind: ItemKind | None, page: int,
                     per_page: int = PAGE_SIZE) -> Page:
    total = await repository.count_open(session, user_id, kind)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 0), pages - 1)
    items = await repository.open_page(session, user_id, kind, page * per_page, per_page)
    return Page(items, page, pages, total)


async def agenda(session: AsyncSession, user_id: int, tz: str, now: dt.datetime, days: int
                 ) -> list[tuple[dt.date, list[Item]]]:
    """Open items of today and the ``days - 1`` days after it, grouped by local day; days without items left out.

    Items with a time come in time order; items due on the day without a time come first.
    """
    zone = ZoneInfo(tz)
    today = local_now(now, tz).date()
    last = today + dt.timedelta(days=days - 1)
    start = dt.datetime.combine(today, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(dt.UTC)
    items = await repository.agenda(session, user_id, start, end, today, last)
    grouped: dict[dt.date, list[Item]] = {}
    for item in sorted(items, key=lambda i: (i.starts_at is not None, i.starts_at or start, i.number)):
        day = local_day(item, tz)
        if day is not None:
            grouped.setdefault(day, []).append(item)
    return sorted(grouped.items())


async def find(session: AsyncSession, user_id: int, query: str, limit: int = FIND_LIMIT
               ) -> tuple[list[Item], int]:
    words = query.split()
    if not words:
        return [], 0
    return await repository.search(session, user_id, words, limit)
