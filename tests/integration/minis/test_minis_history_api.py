"""The grouped history: neighbouring same moves less than 300 s apart are one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from minis_helpers import create

from core.db.engine import SessionFactory
from core.minis import repository
from core.minis.rules import Stage

T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
B, IB, P, PR, D = Stage.BUILDING, Stage.IN_BOX, Stage.PAINTING, Stage.PRIMING, Stage.DONE


async def _record(session_factory: SessionFactory, type_id: int,
                  events: list[tuple[float, Stage | None, Stage, int]]) -> None:
    """Raw history rows at T0 + seconds."""
    async with session_factory() as s:
        for seconds, from_stage, to_stage, qty in events:
            repository.add_event(s, type_id, from_stage, to_stage, qty, created_at=T0 + timedelta(seconds=seconds))
        await s.commit()


async def _history(client: httpx.AsyncClient, headers: dict[str, str], type_id: int) -> list[dict[str, object]]:
    response = await client.get(f"/api/v1/types/{type_id}/history", headers=headers)
    assert response.status_code == 200
    groups: list[dict[str, object]] = response.json()
    return groups


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _group(from_stage: str | None, to_stage: str, qty: int, seconds: float, events: int) -> dict[str, object]:
    return {"from_stage": from_stage, "to_stage": to_stage, "qty": qty, "timestamp": _at(seconds), "events": events}


def _parsed(groups: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{**g, "timestamp": datetime.fromisoformat(str(g["timestamp"]))} for g in groups]


class TestGroupingWindow:
    async def test_same_move_299_seconds_later_joins_the_group(
        self, client: httpx.AsyncClient, alice: dict[str, str], session_factory: SessionFactory
    ) -> None:
        type_id = await create(client, alice, "Orks")
        await _record(session_factory, type_id, [(0, IB, B, 2), (299, IB, B, 3)])
        assert _parsed(await _history(client, alice, type_id)) == [_group("IN_BOX", "BUILDING", 5, 0, 2)]

    async def test_same_move_301_seconds_later_starts_a_new_group(
        self, client: httpx.AsyncClient, alice: dict[str, str], session_factory: SessionFactory
    ) -> None:
        type_id = await create(client, alice, "Orks")
        await _record(session_factory, type_id, [(0, IB, B, 2), (301, IB, B, 3)])
        assert _parsed(await _history(client, alice, type_id)) == [
            _group("IN_BOX", "BUILDING", 2, 0, 1), _group("IN_BOX", "BUILDING", 3, 301, 1),
        ]

    async def test_exactly_300_seconds_is_not_less_than_300(
        self, client: httpx.AsyncClient, alice: dict[str, str], session_factory: SessionFactory
    ) -> None:
        type_id = await create(client, alice, "Orks")
        await _record(session_factory, type_id, [(0, IB, B, 1), (300, IB, B, 1)])
        assert len(await _history(client, alice, type_id)) == 2

    async def test_gap_is_measured_from_the_previous_event_not_the_first(
        self, client: httpx.AsyncClient, alice: dict[str, str], session_factory: SessionFactory
    ) -> None:
        type_id = await create(client, alice, "Orks")
        await _record(session_factory, type_id, [(0, B, P, 1), (299, B, P, 1), (598, B, P, 1), (900, B, P, 1)])
        assert _parsed(await _history(client, alice, type_id)) == [
            _group("BUILDING", "PAINTING", 3, 0, 3), _group("BUILDING", "PAINTING", 1, 900, 1),
        ]


class TestGroupingNeighbours:
    async def test_another_move_in_between_ends_the_group(
        self, client: httpx.AsyncClient, alice: dict[str, str], session_factory: SessionFactory
    ) -> None:
        type_id = await create(client, alice, "Orks")
        await _record(session_factory, type_id, [(0, IB, B, 1), (10, B, PR, 1), (20, IB, B, 1)])
        assert _parsed(await _history(client, alice, type_id)) == [
            _group("IN_BOX", "BUILDING", 1, 0, 1), _group("BUILDING", "PRIMING", 1, 10, 1),
            _group("IN_BOX", "BUILDING", 1, 20, 1),
        ]

    async def test_different_targets_are_different_groups(
        self, client: httpx.AsyncClient, alice: dict[str, str], session_factory: SessionFactory
    ) -> None:
        type_id = await create(client, alice, "Orks")
        await _record(session_factory, type_id, [(0, IB, B, 1), (5, IB, D, 1)])
        assert [(g["from_stage"], g["to_stage"]) for g in await _history(client, alice, type_id)] == [
            ("IN_BOX", "BUILDING"), ("IN_BOX", "DONE"),
        ]

    async def test_groups_come_oldest_first_whatever_the_insert_order(
        self, client: httpx.AsyncClient, alice: dict[str, str], session_factory: SessionFactory
    ) -> None:
        type_id = await create(client, alice, "Orks")
        await _record(session_factory, type_id, [(1000, P, D, 1), (0, IB, B, 4), (100, IB, B, 1)])
        assert _parsed(await _history(client, alice, type_id)) == [
            _group("IN_BOX", "BUILDING", 5, 0, 2), _group("PAINTING", "DONE", 1, 1000, 1),
        ]


class TestHistoryThroughTheApi:
    async def test_additions_and_quick_moves_group_as_the_user_clicked(
        self, client: httpx.AsyncClient, alice: dict[str, str]
    ) -> None:
        type_id = await create(client, alice, "Orks", 5)
        await client.post(f"/api/v1/types/{type_id}/add", json={"qty": 2}, headers=alice)
        for _ in range(3):
            await client.post(f"/api/v1/types/{type_id}/move", headers=alice,
                              json={"from_stage": "IN_BOX", "to_stage": "BUILDING", "qty": 1})
        groups = await _history(client, alice, type_id)
        assert [(g["from_stage"], g["to_stage"], g["qty"], g["events"]) for g in groups] == [
            (None, "IN_BOX", 7, 2), ("IN_BOX", "BUILDING", 3, 3),
        ]
        timestamp = datetime.fromisoformat(str(groups[0]["timestamp"]))
        assert timestamp.tzinfo is not None
        assert abs(datetime.now(UTC) - timestamp) < timedelta(minutes=1)

    async def test_a_new_type_without_miniatures_has_no_history(
        self, client: httpx.AsyncClient, alice: dict[str, str]
    ) -> None:
        type_id = await create(client, alice, "Orks")
        assert await _history(client, alice, type_id) == []
