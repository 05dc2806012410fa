"""A platform user row for tests that need one (English, UTC, reminders 15 minutes before)."""

from __future__ import annotations

from core.db.engine import SessionFactory
from core.users.models import User


async def add_user(session_factory: SessionFactory, user_id: int, **extra: object) -> int:
    values: dict[str, object] = {"first_name": "Ann", "language": "en", "timezone": "UTC", "reminder_minutes": 15}
    values.update(extra)
    async with session_factory() as s:
        s.add(User(id=user_id, **values))
        await s.commit()
    return user_id
