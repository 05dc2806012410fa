"""Minis rules over the database: types, additions, forward moves under a row lock, grouped history.

Every function works inside the caller's unit of work and only flushes; the boundary commits.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.minis import repository
from core.minis.errors import ERR_INSUFFICIENT_QTY, ERR_INVALID_QTY, DuplicateNameError, MinisError, TypeNotFoundError
from core.minis.grouping import group_events
from core.minis.models import MiniType, StageCount
from core.minis.rules import (
    MAX_TYPE_TOTAL,
    Stage,
    check_forward,
    check_qty,
    name_key,
    normalize_name,
    parse_stage,
)
from core.minis.schemas import HistoryGroupOut, MiniTypeOut, mini_type_out


async def list_types(session: AsyncSession, user_id: int, query: str | None = None) -> list[MiniTypeOut]:
    """The user's types A–Z (ignoring case); `query` keeps those whose name contains it, ignoring case."""
    key = name_key(query) if query else ""
    rows = await repository.list_types(session, user_id, key or None)
    return [MiniTypeOut(id=row.id, name=row.name, stage_counts=row.counts) for row in rows]


async def create_type(session: AsyncSession, user_id: int, name: str, quantity: int = 0) -> MiniTypeOut:
    """A new type with `quantity` miniatures in IN_BOX (recorded in the history as an addition)."""
    clean = normalize_name(name)
    check_qty(quantity, allow_zero=True)
    mini_type = await repository.insert_type(session, user_id, clean, name_key(clean), in_box=quantity)
    if mini_type is None:
        raise DuplicateNameError(clean)
    if quantity:
        repository.add_event(session, mini_type.id, None, Stage.IN_BOX, quantity)
    await session.flush()
    return mini_type_out(mini_type.id, mini_type.name, {Stage.IN_BOX: quantity})


async def get_type(session: AsyncSession, user_id: int, type_id: int) -> MiniTypeOut:
    mini_type = await _owned(session, user_id, type_id)
    counts = await repository.counts(session, [mini_type.id])
    return mini_type_out(mini_type.id, mini_type.name, counts[mini_type.id])


async def add(session: AsyncSession, user_id: int, type_id: int, qty: int) -> MiniTypeOut:
    """Put `qty` more miniatures into IN_BOX."""
    check_qty(qty)
    mini_type = await _owned(session, user_id, type_id)
    counters = (await repository.lock_counters(session, [mini_type.id]))[mini_type.id]
    if sum(counter.count for counter in counters.values()) + qty > MAX_TYPE_TOTAL:
        raise MinisError(ERR_INVALID_QTY, f"a type holds at most {MAX_TYPE_TOTAL} miniatures")
    counters[Stage.IN_BOX].count += qty
    repository.add_event(session, mini_type.id, None, Stage.IN_BOX, qty)
    await session.flush()
    return _render(mini_type, counters)


async def move(session: AsyncSession, user_id: int, type_id: int, from_stage: str, to_stage: str,
               qty: int) -> MiniTypeOut:
    """Move `qty` miniatures forward, to any later stage. The type's counters stay locked until commit, so
    concurrent moves queue up and read what the previous one left: a stage never goes below zero."""
    source, target = parse_stage(from_stage), parse_stage(to_stage)
    check_qty(qty)
    check_forward(source, target)
    mini_type = await _owned(session, user_id, type_id)
    counters = (await repository.lock_counters(session, [mini_type.id]))[mini_type.id]
    available = counters[source].count
    if available < qty:
        raise MinisError(ERR_INSUFFICIENT_QTY, f"only {available} available at {source}")
    counters[source].count -= qty
    counters[target].count += qty
    repository.add_event(session, mini_type.id, source, target, qty)
    await session.flush()
    return _render(mini_type, counters)


async def history(session: AsyncSession, user_id: int, type_id: int) -> list[HistoryGroupOut]:
    """The type's history oldest first, neighbouring same moves less than 5 minutes apart merged."""
    mini_type = await _owned(session, user_id, type_id)
    groups = group_events(await repository.type_events(session, mini_type.id))
    return [HistoryGroupOut(from_stage=Stage(g.from_stage) if g.from_stage else None, to_stage=Stage(g.to_stage),
                            qty=g.qty, timestamp=g.timestamp, events=g.events) for g in groups]


async def _owned(session: AsyncSession, user_id: int, type_id: int) -> MiniType:
    """The user's own type; another user's type is reported exactly like a missing one."""
    mini_type = await repository.get_type(session, user_id, type_id)
    if mini_type is None:
        raise TypeNotFoundError(type_id)
    return mini_type


def _render(mini_type: MiniType, counters: dict[str, StageCount]) -> MiniTypeOut:
    return mini_type_out(mini_type.id, mini_type.name, {stage: c.count for stage, c in counters.items()})
