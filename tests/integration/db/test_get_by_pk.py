"""``get_by_pk``: what ``session.get`` answers, with its SELECT built once per model."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from core.db.engine import SessionFactory, get_by_pk
from core.users.models import User
from tests.support.sql import recorded_statements


async def test_the_row_once_then_the_identity_map_and_none_for_no_row(engine: AsyncEngine,
                                                                        session_factory: SessionFactory) -> None:
    async with session_factory() as s:
        s.add(User(id=6301, first_name="Ann", language="en", timezone="UTC", reminder_minutes=15))
        await s.commit()
    async with session_factory() as s:
        with recorded_statements(engine) as seen:
            user = await get_by_pk(s, User, 6301)
            assert user is not None and user.first_name == "Ann"
            selects = [q for q in seen if q.lstrip().upper().startswith("SELECT")]
            assert len(selects) == 1 and "users" in selects[0]
            again = await get_by_pk(s, User, 6301)
            assert again is user and len([q for q in seen if q.lstrip().upper().startswith("SELECT")]) == 1
            assert await get_by_pk(s, User, 6302) is None
            assert await get_by_pk(s, User, 6302) == await s.get(User, 6302)
