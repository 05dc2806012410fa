"""Text the database cannot hold (NUL on PostgreSQL, a lone surrogate anywhere) arriving through the web API is stored
with U+FFFD in its place, as the ingress does for updates: never a 500. Found by test_api_fuzz.py."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from core.minis.models import MiniType
from core.runtime import Runtime
from tests.conftest import TEST_BOT_TOKEN
from tests.fakes.initdata import tma_header

USER = tma_header(TEST_BOT_TOKEN, 31) | {"Content-Type": "application/json"}


async def names(runtime: Runtime) -> list[str]:
    async with runtime.session_factory() as s:
        return sorted((await s.scalars(select(MiniType.name))).all())


class TestTypeNames:
    async def test_a_nul_in_a_new_name_is_replaced(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        r = await client.post("/api/v1/types", content='{"name": "Orc\\u0000s"}', headers=USER)
        assert r.status_code == 201 and r.json()["name"] == "Orc\ufffds"
        assert await names(runtime) == ["Orc\ufffds"]

    async def test_a_lone_surrogate_in_a_new_name_is_replaced(self, client: httpx.AsyncClient,
                                                              runtime: Runtime) -> None:
        r = await client.post("/api/v1/types", content='{"name": "Elf\\ud800"}', headers=USER)
        assert r.status_code == 201 and r.json()["name"] == "Elf\ufffd"
        assert await names(runtime) == ["Elf\ufffd"]

    async def test_a_search_with_a_nul_finds_the_stored_name(self, client: httpx.AsyncClient) -> None:
        await client.post("/api/v1/types", content='{"name": "Orc\\u0000s"}', headers=USER)
        await client.post("/api/v1/types", json={"name": "Elves"}, headers=USER)
        r = await client.get("/api/v1/types", params={"q": "c\x00"}, headers=USER)
        assert r.status_code == 200 and [t["name"] for t in r.json()] == ["Orc\ufffds"]


class TestImport:
    async def test_a_nul_in_an_imported_name_is_replaced(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        document = '{"version": 1, "types": [{"name": "Orc\\u0000s", "stage_counts": {"IN_BOX": 2}}]}'
        r = await client.post("/api/v1/import", content=document, headers=USER)
        assert r.status_code == 200 and r.json()["created_types"] == 1
        assert await names(runtime) == ["Orc\ufffds"]

    async def test_an_escaped_backslash_before_u0000_stays_text(self, client: httpx.AsyncClient,
                                                                runtime: Runtime) -> None:
        document = '{"version": 1, "types": [{"name": "a\\\\u0000"}, {"name": "b\\\\\\u0000"}]}'
        r = await client.post("/api/v1/import", content=document, headers=USER)
        assert r.status_code == 200, r.text
        assert await names(runtime) == ["a\\u0000", "b\\\ufffd"]
