"""Queries on users."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.users.models import User


async def get(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def get_or_create(
    session: AsyncSession, user_id: int, *, first_name: str = "", username: str | None = None,
    language: str = "ru", timezone: str = "Europe/Moscow",
) -> tuple[User, bool]:
    user = await session.get(User, user_id)
    if user is not None:
        user.last_seen_at = utcnow()
        return user, False
    user = User(id=user_id, first_name=first_name[:255], username=username, language=language, timezone=timezone)
    session.add(user)
    await session.flush()
    return user, True


async def count(session: AsyncSession) -> int:
    from sqlalchemy import func

    return int(await session.scalar(select(func.count()).select_from(User)) or 0)
