"""Notes (and the other items) in the shared search index: kept on every item event, embedded by the job."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import index
from core.ai.models import SearchDoc
from core.items.models import Item

SOURCE = "note"


def doc_of(item: Item) -> index.Doc:
    title = item.title if item.title and item.title != item.text else ""
    return index.Doc(user_id=item.user_id, source=SOURCE, source_id=item.id, number=item.number, title=title,
                     body=item.text or item.title, day=item.created_at.date() if item.created_at else None)


async def on_item_changed(session: AsyncSession, item: Item) -> None:
    """Subscribed to every item event (secretary/apps.py)."""
    await index.put(session, doc_of(item))
    await index.enqueue_embedding(session, item.user_id)


async def catch_up(session: AsyncSession, user_id: int, limit: int = 500) -> int:
    """Index the user's items the index lacks (written before it existed, or by a path that published no event)."""
    indexed = select(SearchDoc.source_id).where(SearchDoc.user_id == user_id, SearchDoc.source == SOURCE)
    missing = list(await session.scalars(select(Item).where(Item.user_id == user_id, Item.id.not_in(indexed))
                                         .order_by(Item.id.desc()).limit(limit)))
    for item in missing:
        await index.put(session, doc_of(item))
    if missing:
        await index.enqueue_embedding(session, user_id)
    return len(missing)
