"""Queries on users."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.db.engine import dialect_name, get_by_pk
from core.users.models import User


async def get(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


LAST_SEEN_EVERY = timedelta(minutes=1)  # how fresh ``last_seen_at`` is kept


async def get_or_create(
    session: AsyncSession, user_id: int, *, first_name: str = "", username: str | None = None,
    language: str = "ru", timezone: str = "Europe/Moscow", reminder_minutes: int = 15,
) -> tuple[User, bool]:
    user = await get_by_pk(session, User, user_id)
    if user is not None:
        now = utcnow()
        if now - user.last_seen_at >= LAST_SEEN_EVERY:  # not one more UPDATE for every message of a conversation
            user.last_seen_at = now
        return user, False
    # ON CONFLICT DO NOTHING: a new user's first requests may arrive together (Mini App + bot)
    insert = pg_insert if dialect_name(session) == "postgresql" else sqlite_insert
    now = utcnow()
    created = await session.execute(
        insert(User)
        .values(id=user_id, first_name=first_name[:255], username=username, language=language, timezone=timezone,
                created_at=now, updated_at=now, last_seen_at=now, reminder_minutes=reminder_minutes)
        .on_conflict_do_nothing(index_elements=["id"])
    )
    user = await session.get(User, user_id, populate_existing=True)
    assert user is not None
    return user, bool(created.rowcount)  # type: ignore[attr-defined]


async def count(session: AsyncSession) -> int:
    from sqlalchemy import func

    return int(await session.scalar(select(func.count()).select_from(User)) or 0)
