"""Notes (and the other items) in the shared search index: a new one put by the embedding job, a change at once."""

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
    """Subscribed to an item's changes (secretary/apps.py): its entry follows at once."""
    await index.put(session, doc_of(item))
    await index.enqueue_embedding(session, item.user_id)


async def on_item_created(session: AsyncSession, item: Item) -> None:
    """Subscribed to a new item: it is indexed by the embedding job this queues (``index_missing``, registered as the
    index's indexer), a few seconds later and off the path of the reply to it; /ask catches up before it reads."""
    await index.enqueue_embedding(session, item.user_id)


async def index_missing(session: AsyncSession, user_id: int, limit: int = 500) -> int:
    """Index the user's items the index lacks (new ones, or written by a path that published no event), newest first;
    how many."""
    indexed = select(SearchDoc.source_id).where(SearchDoc.user_id == user_id, SearchDoc.source == SOURCE)
    missing = list(await session.scalars(select(Item).where(Item.user_id == user_id, Item.id.not_in(indexed))
                                         .order_by(Item.id.desc()).limit(limit)))
    for item in missing:
        await index.put(session, doc_of(item))
    return len(missing)


async def catch_up(session: AsyncSession, user_id: int, limit: int = 500) -> int:
    """``index_missing``, and their embedding queued."""
    found = await index_missing(session, user_id, limit)
    if found:
        await index.enqueue_embedding(session, user_id)
    return found
