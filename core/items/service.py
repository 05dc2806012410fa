"""Item rules: creating notes with per-user numbers."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.items import repository
from core.items.models import Item, ItemKind, ItemStatus

TITLE_MAX = 120


def make_title(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return first_line if len(first_line) <= TITLE_MAX else first_line[: TITLE_MAX - 1] + "…"


async def create_note(session: AsyncSession, user_id: int, text: str, *, source: str = "text") -> Item:
    item = Item(
        user_id=user_id, number=await repository.next_number(session, user_id), kind=ItemKind.NOTE,
        status=ItemStatus.INBOX, title=make_title(text), text=text, source=source,
    )
    session.add(item)
    await session.flush()
    return item
