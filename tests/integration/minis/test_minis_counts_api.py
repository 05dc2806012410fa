"""Counts (qty, quantity) are JSON integers: a boolean, a string or a float is a validation error, never a number."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from minis_helpers import counts, create

NOT_INTEGERS = [True, False, "3", 2.0]


def _is_validation_error(response: httpx.Response, field: str) -> bool:
    body = response.json()
    return (response.status_code == 422 and body["code"] == "ERR_VALIDATION" and bool(body["message"])
            and any(detail["loc"][-1] == field for detail in body["details"]))


class TestStrictCounts:
    @pytest.mark.parametrize("qty", NOT_INTEGERS)
    async def test_add_refuses_a_count_that_is_not_an_integer(
        self, client: httpx.AsyncClient, alice: dict[str, str], qty: Any
    ) -> None:
        type_id = await create(client, alice, "Orks", 2)
        response = await client.post(f"/api/v1/types/{type_id}/add", json={"qty": qty}, headers=alice)
        assert _is_validation_error(response, "qty")
        assert (await client.get(f"/api/v1/types/{type_id}", headers=alice)).json()["stage_counts"] == counts(IN_BOX=2)

    @pytest.mark.parametrize("qty", NOT_INTEGERS)
    async def test_move_refuses_a_count_that_is_not_an_integer(
        self, client: httpx.AsyncClient, alice: dict[str, str], qty: Any
    ) -> None:
        type_id = await create(client, alice, "Orks", 2)
        response = await client.post(f"/api/v1/types/{type_id}/move", headers=alice,
                                     json={"from_stage": "IN_BOX", "to_stage": "BUILDING", "qty": qty})
        assert _is_validation_error(response, "qty")
        assert (await client.get(f"/api/v1/types/{type_id}", headers=alice)).json()["stage_counts"] == counts(IN_BOX=2)

    @pytest.mark.parametrize("quantity", NOT_INTEGERS)
    async def test_create_refuses_a_count_that_is_not_an_integer(
        self, client: httpx.AsyncClient, alice: dict[str, str], quantity: Any
    ) -> None:
        response = await client.post("/api/v1/types", json={"name": "Eldar", "quantity": quantity}, headers=alice)
        assert _is_validation_error(response, "quantity")
        assert (await client.get("/api/v1/types", headers=alice)).json() == []

    async def test_an_integer_still_counts(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        type_id = await create(client, alice, "Orks", 1)
        response = await client.post(f"/api/v1/types/{type_id}/add", json={"qty": 1}, headers=alice)
        assert response.status_code == 200 and response.json()["stage_counts"] == counts(IN_BOX=2)
