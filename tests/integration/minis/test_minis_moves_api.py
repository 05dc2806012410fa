"""Adding to IN_BOX and moving forward through the pipeline, alone and under concurrency."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest
from minis_helpers import counts, create
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.db.engine import SessionFactory
from core.minis.models import HistoryEvent, StageCount


async def _move(client: httpx.AsyncClient, headers: dict[str, str], type_id: int, from_stage: str, to_stage: str,
                qty: int) -> httpx.Response:
    return await client.post(f"/api/v1/types/{type_id}/move", headers=headers,
                             json={"from_stage": from_stage, "to_stage": to_stage, "qty": qty})


async def _history_rows(session_factory: SessionFactory, type_id: int) -> list[tuple[str | None, str, int]]:
    async with session_factory() as s:
        rows = await s.execute(select(HistoryEvent.from_stage, HistoryEvent.to_stage, HistoryEvent.qty)
                               .where(HistoryEvent.type_id == type_id).order_by(HistoryEvent.id))
        return [tuple(r) for r in rows]  # type: ignore[misc]


class TestAdd:
    async def test_adds_to_in_box_and_records_it(
        self, client: httpx.AsyncClient, alice: dict[str, str], session_factory: SessionFactory
    ) -> None:
        type_id = await create(client, alice, "Orks", 2)
        response = await client.post(f"/api/v1/types/{type_id}/add", json={"qty": 5}, headers=alice)
        assert response.status_code == 200
        assert response.json()["stage_counts"] == counts(IN_BOX=7)
        assert await _history_rows(session_factory, type_id) == [(None, "IN_BOX", 2), (None, "IN_BOX", 5)]

    @pytest.mark.parametrize("qty", [0, -3, 1_000_001])
    async def test_quantity_out_of_range_is_refused(
        self, client: httpx.AsyncClient, alice: dict[str, str], qty: int
    ) -> None:
        type_id = await create(client, alice, "Orks", 2)
        response = await client.post(f"/api/v1/types/{type_id}/add", json={"qty": qty}, headers=alice)
        assert response.status_code == 400
        assert response.json()["code"] == "ERR_INVALID_QTY"
        assert (await client.get(f"/api/v1/types/{type_id}", headers=alice)).json()["stage_counts"] == counts(IN_BOX=2)

    async def test_cannot_add_to_another_users_type(
        self, client: httpx.AsyncClient, alice: dict[str, str], bob: dict[str, str]
    ) -> None:
        type_id = await create(client, alice, "Orks", 2)
        response = await client.post(f"/api/v1/types/{type_id}/add", json={"qty": 5}, headers=bob)
        assert response.status_code == 404
        assert response.json()["code"] == "ERR_NOT_FOUND"
        assert (await client.get(f"/api/v1/types/{type_id}", headers=alice)).json()["stage_counts"] == counts(IN_BOX=2)


class TestMove:
    async def test_moves_to_the_next_stage_and_records_it(
        self, client: httpx.AsyncClient, alice: dict[str, str], session_factory: SessionFactory
    ) -> None:
        type_id = await create(client, alice, "Orks", 10)
        response = await _move(client, alice, type_id, "IN_BOX", "BUILDING", 4)
        assert response.status_code == 200
        assert response.json() == {"id": type_id, "name": "Orks", "stage_counts": counts(IN_BOX=6, BUILDING=4)}
        assert await _history_rows(session_factory, type_id) == [(None, "IN_BOX", 10), ("IN_BOX", "BUILDING", 4)]

    async def test_may_skip_stages_forward(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        type_id = await create(client, alice, "Orks", 10)
        await _move(client, alice, type_id, "IN_BOX", "PRIMING", 3)
        response = await _move(client, alice, type_id, "PRIMING", "DONE", 3)
        assert response.json()["stage_counts"] == counts(IN_BOX=7, DONE=3)

    async def test_the_whole_stock_may_move(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        type_id = await create(client, alice, "Orks", 10)
        response = await _move(client, alice, type_id, "IN_BOX", "DONE", 10)
        assert response.json()["stage_counts"] == counts(DONE=10)

    @pytest.mark.parametrize(("from_stage", "to_stage"), [
        ("BUILDING", "IN_BOX"), ("DONE", "PAINTING"), ("PRIMING", "PRIMING"), ("IN_BOX", "IN_BOX"),
    ])
    async def test_backward_or_standing_moves_are_refused(
        self, client: httpx.AsyncClient, alice: dict[str, str], from_stage: str, to_stage: str
    ) -> None:
        type_id = await create(client, alice, "Orks", 10)
        if from_stage != "IN_BOX":
            await _move(client, alice, type_id, "IN_BOX", from_stage, 5)
        before = (await client.get(f"/api/v1/types/{type_id}", headers=alice)).json()
        response = await _move(client, alice, type_id, from_stage, to_stage, 1)
        assert response.status_code == 400
        assert response.json()["code"] == "ERR_INVALID_STAGE_TRANSITION"
        assert (await client.get(f"/api/v1/types/{type_id}", headers=alice)).json() == before

    @pytest.mark.parametrize(("from_stage", "to_stage"), [
        ("IN_BOX", "SHELF"), ("in_box", "BUILDING"), ("", "DONE"), ("IN_BOX", "Done"),
    ])
    async def test_unknown_stages_are_refused(
        self, client: httpx.AsyncClient, alice: dict[str, str], from_stage: str, to_stage: str
    ) -> None:
        type_id = await create(client, alice, "Orks", 10)
        response = await _move(client, alice, type_id, from_stage, to_stage, 1)
        assert response.status_code == 400
        assert response.json()["code"] == "ERR_INVALID_STAGE"

    @pytest.mark.parametrize("qty", [0, -1, 1_000_001])
    async def test_quantity_out_of_range_is_refused(
        self, client: httpx.AsyncClient, alice: dict[str, str], qty: int
    ) -> None:
        type_id = await create(client, alice, "Orks", 10)
        response = await _move(client, alice, type_id, "IN_BOX", "BUILDING", qty)
        assert response.status_code == 400
        assert response.json()["code"] == "ERR_INVALID_QTY"

    async def test_moving_more_than_available_changes_nothing(
        self, client: httpx.AsyncClient, alice: dict[str, str], session_factory: SessionFactory
    ) -> None:
        type_id = await create(client, alice, "Orks", 3)
        response = await _move(client, alice, type_id, "IN_BOX", "BUILDING", 4)
        assert response.status_code == 400
        assert response.json()["code"] == "ERR_INSUFFICIENT_QTY"
        empty = await _move(client, alice, type_id, "BUILDING", "DONE", 1)
        assert empty.json()["code"] == "ERR_INSUFFICIENT_QTY"
        assert (await client.get(f"/api/v1/types/{type_id}", headers=alice)).json()["stage_counts"] == counts(IN_BOX=3)
        assert await _history_rows(session_factory, type_id) == [(None, "IN_BOX", 3)]

    async def test_cannot_move_another_users_miniatures(
        self, client: httpx.AsyncClient, alice: dict[str, str], bob: dict[str, str]
    ) -> None:
        type_id = await create(client, alice, "Orks", 3)
        response = await _move(client, bob, type_id, "IN_BOX", "BUILDING", 1)
        assert response.status_code == 404
        assert response.json()["code"] == "ERR_NOT_FOUND"
        assert (await client.get(f"/api/v1/types/{type_id}", headers=alice)).json()["stage_counts"] == counts(IN_BOX=3)

    async def test_moving_a_missing_type_is_not_found(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        response = await _move(client, alice, 424242, "IN_BOX", "BUILDING", 1)
        assert response.status_code == 404


class TestConcurrentMoves:
    async def test_fifty_simultaneous_moves_never_overdraw(
        self, client: httpx.AsyncClient, alice: dict[str, str], session_factory: SessionFactory
    ) -> None:
        type_id = await create(client, alice, "Orks", 20)
        responses = await asyncio.gather(*(_move(client, alice, type_id, "IN_BOX", "BUILDING", 1) for _ in range(50)))
        outcome = Counter(r.status_code if r.status_code == 200 else r.json()["code"] for r in responses)
        assert outcome == {200: 20, "ERR_INSUFFICIENT_QTY": 30}
        final = (await client.get(f"/api/v1/types/{type_id}", headers=alice)).json()["stage_counts"]
        assert final == counts(BUILDING=20)
        assert len(await _history_rows(session_factory, type_id)) == 1 + 20

    async def test_simultaneous_moves_along_the_pipeline_keep_every_miniature(
        self, client: httpx.AsyncClient, alice: dict[str, str]
    ) -> None:
        type_id = await create(client, alice, "Orks", 30)
        legs = [("IN_BOX", "BUILDING"), ("BUILDING", "PRIMING"), ("PRIMING", "DONE"), ("IN_BOX", "DONE")] * 15
        responses = await asyncio.gather(*(_move(client, alice, type_id, a, b, 2) for a, b in legs))
        assert {r.json().get("code") for r in responses if r.status_code != 200} <= {"ERR_INSUFFICIENT_QTY"}
        moved: Counter[str] = Counter()
        for (a, b), r in zip(legs, responses, strict=True):
            if r.status_code == 200:
                moved[a] -= 2
                moved[b] += 2
        final = (await client.get(f"/api/v1/types/{type_id}", headers=alice)).json()["stage_counts"]
        assert final == counts(IN_BOX=30 + moved["IN_BOX"], BUILDING=moved["BUILDING"],
                               PRIMING=moved["PRIMING"], DONE=moved["DONE"])
        assert all(n >= 0 for n in final.values())
        assert sum(final.values()) == 30


class TestCounterConstraint:
    async def test_the_database_refuses_a_negative_count(
        self, client: httpx.AsyncClient, alice: dict[str, str], session_factory: SessionFactory
    ) -> None:
        type_id = await create(client, alice, "Orks", 1)
        async with session_factory() as s:
            with pytest.raises(IntegrityError):
                await s.execute(update(StageCount).where(StageCount.type_id == type_id).values(count=-1))
            await s.rollback()
