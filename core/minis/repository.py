"""Queries on Minis tables. Nothing here commits; writes are flushed by the caller's unit of work."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.db.base import utcnow
from core.minis.grouping import RawEvent
from core.minis.models import HistoryEvent, MiniType, StageCount
from core.minis.rules import STAGE_NAMES, STAGES, Stage


class TypeCounts(NamedTuple):
    id: int
    name: str
    name_key: str
    counts: dict[str, int]  # all five stages, in pipeline order


async def get_type(session: AsyncSession, user_id: int, type_id: int) -> MiniType | None:
    return await session.scalar(select(MiniType).where(MiniType.id == type_id, MiniType.user_id == user_id))


async def find_by_key(session: AsyncSession, user_id: int, key: str) -> MiniType | None:
    return await session.scalar(select(MiniType).where(MiniType.user_id == user_id, MiniType.name_key == key))


async def types_by_key(session: AsyncSession, user_id: int, keys: Sequence[str]) -> dict[str, MiniType]:
    if not keys:
        return {}
    rows = await session.scalars(select(MiniType).where(MiniType.user_id == user_id, MiniType.name_key.in_(keys)))
    return {t.name_key: t for t in rows}


async def insert_type(session: AsyncSession, user_id: int, name: str, key: str, in_box: int = 0) -> MiniType | None:
    """A new type with a counter for every stage; None when the user already has that name."""
    created = await insert_types(session, user_id, {key: (name, {Stage.IN_BOX: in_box})})
    return None if created is None else created[key]


async def insert_types(session: AsyncSession, user_id: int,
                       new: dict[str, tuple[str, dict[Stage, int]]]) -> dict[str, MiniType] | None:
    """New types keyed by name key, as (name, initial counts); None if one of the names is taken
    (then nothing is inserted: a concurrent insert of the same name fails only this savepoint)."""
    created = {key: MiniType(user_id=user_id, name=name, name_key=key) for key, (name, _) in new.items()}
    try:
        async with session.begin_nested():
            session.add_all(created.values())
            await session.flush()
    except IntegrityError:
        return None
    rows = [{"type_id": created[key].id, "stage": stage.value, "count": initial.get(stage, 0)}
            for key, (_, initial) in new.items() for stage in STAGES]
    if rows:
        await session.execute(insert(StageCount), rows)
    return created


def _list_types_query() -> Select[*tuple[Any, ...]]:
    """Each type with its five counters side by side: one lookup per counter in the (type, stage) unique index, half
    the time of grouping the joined counters with a CASE per stage (3.4 vs 6.4 ms for 1,000 types on SQLite)."""
    counters = {name: aliased(StageCount, name=f"c_{name.lower()}") for name in STAGE_NAMES}
    query: Select[*tuple[Any, ...]] = select(
        MiniType.id, MiniType.name, MiniType.name_key,
        *(func.coalesce(c.count, 0).label(name) for name, c in counters.items()))
    for name, c in counters.items():
        query = query.outerjoin(c, (c.type_id == MiniType.id) & (c.stage == name))
    return query


_LIST_TYPES = _list_types_query()


async def list_types(session: AsyncSession, user_id: int, key_contains: str | None = None) -> list[TypeCounts]:
    """The user's types A–Z (by name key, sorted here so that every database agrees) with their counters,
    in one query."""
    query = _LIST_TYPES.where(MiniType.user_id == user_id)
    if key_contains:
        query = query.where(MiniType.name_key.contains(key_contains, autoescape=True))
    # a Core execution: for a thousand rows the ORM's per-row loading costs more than the query itself
    result = await (await session.connection()).execute(query)
    rows = [TypeCounts(row[0], row[1], row[2], dict(zip(STAGE_NAMES, row[3:], strict=True))) for row in result.all()]
    rows.sort(key=lambda row: row.name_key)  # code point order: SQL collations differ between databases
    return rows


async def counts(session: AsyncSession, type_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    ids = list(type_ids)
    found: dict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        rows = await session.execute(
            select(StageCount.type_id, StageCount.stage, StageCount.count).where(StageCount.type_id.in_(ids))
        )
        for type_id, stage, count in rows:
            found[type_id][stage] = count
    return found


async def lock_counters(session: AsyncSession, type_ids: Sequence[int]) -> dict[int, dict[str, StageCount]]:
    """The counters of these types by type id and stage, locked until the transaction ends, to change in place.

    `SELECT … FOR UPDATE` in (type, pipeline) order, so two writers always lock in the same order and cannot
    deadlock; on SQLite every transaction already holds the write lock (BEGIN IMMEDIATE) and FOR UPDATE is
    left out. Every type has all five counters: they are created with it and never deleted alone.
    """
    found: dict[int, dict[str, StageCount]] = {type_id: {} for type_id in type_ids}
    if type_ids:
        counters = await session.scalars(
            select(StageCount).where(StageCount.type_id.in_(type_ids))
            .order_by(StageCount.type_id, StageCount.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        for counter in counters:
            found[counter.type_id][counter.stage] = counter
    return found


def add_event(session: AsyncSession, type_id: int, from_stage: Stage | None, to_stage: Stage, qty: int,
              created_at: datetime | None = None) -> None:
    session.add(HistoryEvent(type_id=type_id, from_stage=from_stage.value if from_stage else None,
                             to_stage=to_stage.value, qty=qty, created_at=created_at or utcnow()))


async def insert_events(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Bulk append: dicts with type_id, from_stage, to_stage, qty, created_at."""
    if rows:
        await session.execute(insert(HistoryEvent), rows)


async def type_events(session: AsyncSession, type_id: int) -> list[RawEvent]:
    """One type's raw history, oldest first."""
    rows = await session.execute(
        select(HistoryEvent.from_stage, HistoryEvent.to_stage, HistoryEvent.qty, HistoryEvent.created_at)
        .where(HistoryEvent.type_id == type_id)
        .order_by(HistoryEvent.created_at, HistoryEvent.id)
    )
    return [RawEvent(*row) for row in rows]


async def user_events(session: AsyncSession, user_id: int) -> dict[int, list[RawEvent]]:
    """The raw history of all the user's types, by type id, oldest first."""
    rows = await session.execute(
        select(HistoryEvent.type_id, HistoryEvent.from_stage, HistoryEvent.to_stage, HistoryEvent.qty,
               HistoryEvent.created_at)
        .join(MiniType, MiniType.id == HistoryEvent.type_id)
        .where(MiniType.user_id == user_id)
        .order_by(HistoryEvent.type_id, HistoryEvent.created_at, HistoryEvent.id)
    )
    found: dict[int, list[RawEvent]] = defaultdict(list)
    for type_id, from_stage, to_stage, qty, created_at in rows:
        found[type_id].append(RawEvent(from_stage, to_stage, qty, created_at))
    return found
