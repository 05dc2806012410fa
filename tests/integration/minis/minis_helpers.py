"""Helpers shared by the Minis API tests."""

from __future__ import annotations

import httpx

ALICE = 1001
BOB = 2002
STAGES = ("IN_BOX", "BUILDING", "PRIMING", "PAINTING", "DONE")


async def create(client: httpx.AsyncClient, headers: dict[str, str], name: str, quantity: int = 0) -> int:
    response = await client.post("/api/v1/types", json={"name": name, "quantity": quantity}, headers=headers)
    assert response.status_code == 201, response.text
    type_id: int = response.json()["id"]
    return type_id


def counts(**given: int) -> dict[str, int]:
    """All five stage counters, zero unless given."""
    return {stage: given.get(stage, 0) for stage in STAGES}
