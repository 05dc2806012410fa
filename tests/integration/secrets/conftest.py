"""Two committed users whose secrets the tests store, read and rotate."""

from __future__ import annotations

import pytest

from core.db.engine import SessionFactory
from core.users.models import User


@pytest.fixture
async def users(session_factory: SessionFactory) -> tuple[int, int]:
    async with session_factory() as s:
        s.add_all([User(id=5101, first_name="Ann", language="en"), User(id=5102, first_name="Bob", language="en")])
        await s.commit()
    return 5101, 5102
