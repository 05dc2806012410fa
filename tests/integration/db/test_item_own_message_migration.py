"""Migration 0019: the message that made an item moves onto the item; an album's further photos stay linked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import migrate

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
USER = ("INSERT INTO users (id, first_name, language, timezone, reminder_minutes, created_at, updated_at, "
        "last_seen_at) VALUES (1, 'A', 'en', 'UTC', 15, :now, :now, :now)")
ITEM = ("INSERT INTO items (id, user_id, number, kind, status, title, text, source, search_text, calendar_attempts, "
        "created_at, updated_at) VALUES (:id, 1, :number, 'note', 'inbox', 'x', 'x', 'text', 'x', 0, :now, :now)")
LINK = ("INSERT INTO item_messages (id, item_id, chat_id, message_id, media_group_id, created_at) "
        "VALUES (:id, :item, 1, :message, :album, :now)")


async def _rows(engine: AsyncEngine, query: str) -> list[tuple[object, ...]]:
    async with engine.connect() as conn:
        return [tuple(row) for row in (await conn.execute(text(query))).all()]


async def test_the_first_message_moves_onto_the_item_and_back(scratch_engine: AsyncEngine) -> None:
    await migrate.upgrade(scratch_engine, "0018")
    async with scratch_engine.begin() as conn:
        await conn.execute(text(USER), {"now": NOW})
        for item_id in (1, 2, 3):  # 1: a text, 2: an album of three photos, 3: not made in a chat
            await conn.execute(text(ITEM), {"id": item_id, "number": item_id, "now": NOW})
        for link_id, item_id, message_id, album in ((10, 1, 100, None), (11, 2, 200, "a"), (12, 2, 201, "a"),
                                                    (13, 2, 202, "a")):
            await conn.execute(text(LINK), {"id": link_id, "item": item_id, "message": message_id, "album": album,
                                            "now": NOW})
    await migrate.upgrade(scratch_engine, "0019")
    assert await _rows(scratch_engine, "SELECT id, chat_id, message_id, media_group_id FROM items ORDER BY id") == [
        (1, 1, 100, None), (2, 1, 200, "a"), (3, None, None, None)]
    assert await _rows(scratch_engine, "SELECT item_id, message_id FROM item_messages ORDER BY id") == [
        (2, 201), (2, 202)]

    await migrate.downgrade(scratch_engine, "0018")
    assert await _rows(scratch_engine, "SELECT item_id, message_id, media_group_id FROM item_messages "
                                       "ORDER BY message_id") == [(1, 100, None), (2, 200, "a"), (2, 201, "a"),
                                                                  (2, 202, "a")]
    await migrate.upgrade(scratch_engine, "0019")
    assert await _rows(scratch_engine, "SELECT count(*) FROM item_messages") == [(2,)]
