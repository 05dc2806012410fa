"""Migration 0018: users who have journal settings are flagged (``users.has_journal_settings``), the others not."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import migrate

USER = ("INSERT INTO users (id, first_name, language, timezone, reminder_minutes, created_at, updated_at, "
        "last_seen_at) VALUES (:id, 'A', 'en', 'UTC', 15, :now, :now, :now)")
NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
PREFS = "INSERT INTO journal_settings (user_id, routing, updated_at) VALUES (:id, 'notes', :now)"


async def test_users_with_journal_settings_are_flagged(scratch_engine: AsyncEngine) -> None:
    await migrate.upgrade(scratch_engine, "0017")
    async with scratch_engine.begin() as conn:
        for user_id in (1, 2):
            await conn.execute(text(USER), {"id": user_id, "now": NOW})
        await conn.execute(text(PREFS), {"id": 2, "now": NOW})
    await migrate.upgrade(scratch_engine, "0018")
    async with scratch_engine.connect() as conn:
        flags = dict((await conn.execute(text("SELECT id, has_journal_settings FROM users ORDER BY id"))).all())
    assert flags == {1: False, 2: True}


async def test_down_and_up_again_keeps_what_hangs_on_users(scratch_engine: AsyncEngine) -> None:
    """On SQLite a batch migration copies a table and drops the old one, and dropping ``users`` with foreign keys on
    deletes every row that cascades from them: 0018 alters ``users`` in place, both ways."""
    await migrate.upgrade(scratch_engine, "0018")
    async with scratch_engine.begin() as conn:
        await conn.execute(text(USER), {"id": 3, "now": NOW})
        await conn.execute(text(PREFS), {"id": 3, "now": NOW})
    await migrate.downgrade(scratch_engine, "0017")
    await migrate.upgrade(scratch_engine, "0018")
    async with scratch_engine.connect() as conn:
        assert (await conn.execute(text("SELECT user_id FROM journal_settings"))).scalars().all() == [3]
        assert (await conn.execute(text("SELECT has_journal_settings FROM users"))).scalars().all() == [True]
