"""Queries on forum topics and filed notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.engine import dialect_name
from core.topics.models import ForumTopic, NoteFiling

# --- forum topics -----------------------------------------------------------------------------------


async def topic(session: AsyncSession, group_id: int, key: str) -> ForumTopic | None:
    return await session.scalar(select(ForumTopic).where(ForumTopic.group_id == group_id,
                                                         ForumTopic.topic_key == key))


async def insert_claim(session: AsyncSession, group_id: int, key: str, title: str, now: datetime
                       ) -> int | None:
    """A topic row without a thread id yet; None when another job holds (or made) this topic already."""
    insert = pg_insert if dialect_name(session) == "postgresql" else sqlite_insert
    stmt = (
        insert(ForumTopic)
        .values(group_id=group_id, topic_key=key, title=title, message_thread_id=None, created_at=now)
        .on_conflict_do_nothing(index_elements=["group_id", "topic_key"])
        .returning(ForumTopic.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def retake_claim(session: AsyncSession, topic_id: int, seen: datetime, now: datetime) -> bool:
    """Take over a stale claim, if nobody else did since we looked at it."""
    result = await session.execute(
        update(ForumTopic)
        .where(ForumTopic.id == topic_id, ForumTopic.message_thread_id.is_(None),
               ForumTopic.created_at == seen)
        .values(created_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def set_thread(session: AsyncSession, topic_id: int, thread_id: int) -> None:
    await session.execute(
        update(ForumTopic).where(ForumTopic.id == topic_id).values(message_thread_id=thread_id))


async def drop_claim(session: AsyncSession, topic_id: int) -> None:
    await session.execute(
        delete(ForumTopic).where(ForumTopic.id == topic_id, ForumTopic.message_thread_id.is_(None)))


# --- filed notes ------------------------------------------------------------------------------------


_OF_ITEM = select(NoteFiling).where(NoteFiling.item_id == bindparam("item_id"))  # every filing job asks it


async def filing_of_item(session: AsyncSession, item_id: int) -> NoteFiling | None:
    return await session.scalar(_OF_ITEM, {"item_id": item_id})


async def filing(session: AsyncSession, filing_id: int, *, lock: bool = False) -> NoteFiling | None:
    """A filed note; ``lock`` holds its row until the unit of work ends (moves of one note queue up)."""
    query = select(NoteFiling).where(NoteFiling.id == filing_id)
    if lock and dialect_name(session) == "postgresql":
        query = query.with_for_update()
    return await session.scalar(query.execution_options(populate_existing=True))


async def filing_of_user(session: AsyncSession, user_id: int, filing_id: int) -> NoteFiling | None:
    return await session.scalar(
        select(NoteFiling).where(NoteFiling.id == filing_id, NoteFiling.user_id == user_id))
