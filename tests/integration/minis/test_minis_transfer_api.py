"""Export of the whole collection and its all-or-nothing import (merge by name)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import structlog
from minis_helpers import ALICE, counts, create
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db.engine import SessionFactory
from core.minis import repository

DOC = dict[str, Any]


async def _export(client: httpx.AsyncClient, headers: dict[str, str]) -> DOC:
    response = await client.get("/api/v1/export", headers=headers)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    document: DOC = response.json()
    return document


async def _import(client: httpx.AsyncClient, headers: dict[str, str], document: object) -> httpx.Response:
    return await client.post("/api/v1/import", json=document, headers=headers)


async def _state(client: httpx.AsyncClient, headers: dict[str, str]) -> DOC:
    """Everything the user can see: the export (types, counts, raw history)."""
    return await _export(client, headers)


async def _seed(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    orks = await create(client, headers, "Orks", 10)
    await client.post(f"/api/v1/types/{orks}/move", headers=headers,
                      json={"from_stage": "IN_BOX", "to_stage": "PRIMING", "qty": 4})
    await create(client, headers, "Eldar")
    await create(client, headers, "Гоблины", 1)


def _doc(*types: DOC, version: object = 1) -> DOC:
    return {"version": version, "types": list(types)}


def _type(name: str, history: list[DOC] | None = None, **stage_counts: int) -> DOC:
    return {"name": name, "stage_counts": stage_counts, "history": history or []}


def _event(from_stage: str | None, to_stage: str, qty: int, created_at: str = "2025-01-02T03:04:05Z") -> DOC:
    return {"from_stage": from_stage, "to_stage": to_stage, "qty": qty, "created_at": created_at}


class TestExport:
    async def test_exports_every_type_with_counts_and_raw_history(
        self, client: httpx.AsyncClient, alice: dict[str, str]
    ) -> None:
        await _seed(client, alice)
        document = await _export(client, alice)
        assert document["version"] == 1
        assert [(t["name"], t["stage_counts"]) for t in document["types"]] == [
            ("Eldar", counts()), ("Orks", counts(IN_BOX=6, PRIMING=4)), ("Гоблины", counts(IN_BOX=1)),
        ]
        orks = document["types"][1]
        assert [(e["from_stage"], e["to_stage"], e["qty"]) for e in orks["history"]] == [
            (None, "IN_BOX", 10), ("IN_BOX", "PRIMING", 4),
        ]
        assert all(e["created_at"] for e in orks["history"])

    async def test_exports_only_the_users_own_collection(
        self, client: httpx.AsyncClient, alice: dict[str, str], bob: dict[str, str]
    ) -> None:
        await _seed(client, alice)
        assert await _export(client, bob) == {"version": 1, "types": []}

    async def test_the_exported_data_never_reaches_the_logs(
        self, client: httpx.AsyncClient, alice: dict[str, str], bob: dict[str, str],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        await create(client, alice, "Very private army name", 3)
        with structlog.testing.capture_logs() as captured:
            document = await _export(client, alice)
            assert (await _import(client, bob, document)).status_code == 200
        assert "Very private army name" not in repr(captured)
        assert "Very private army name" not in caplog.text


class TestRoundTrip:
    async def test_export_then_import_into_an_empty_collection_reproduces_it(
        self, client: httpx.AsyncClient, alice: dict[str, str], bob: dict[str, str]
    ) -> None:
        await _seed(client, alice)
        exported = await _export(client, alice)
        response = await _import(client, bob, exported)
        assert response.status_code == 200
        assert response.json() == {"imported_types": 3, "created_types": 3, "merged_types": 0}
        assert await _export(client, bob) == exported
        alice_orks = next(t for t in (await client.get("/api/v1/types", headers=alice)).json() if t["name"] == "Orks")
        bob_orks = next(t for t in (await client.get("/api/v1/types", headers=bob)).json() if t["name"] == "Orks")
        alice_history = (await client.get(f"/api/v1/types/{alice_orks['id']}/history", headers=alice)).json()
        bob_history = (await client.get(f"/api/v1/types/{bob_orks['id']}/history", headers=bob)).json()
        assert bob_history == alice_history

    async def test_importing_an_export_twice_doubles_counts_and_history(
        self, client: httpx.AsyncClient, alice: dict[str, str]
    ) -> None:
        await _seed(client, alice)
        exported = await _export(client, alice)
        response = await _import(client, alice, exported)
        assert response.json() == {"imported_types": 3, "created_types": 0, "merged_types": 3}
        after = await _export(client, alice)
        orks = next(t for t in after["types"] if t["name"] == "Orks")
        assert orks["stage_counts"] == counts(IN_BOX=12, PRIMING=8)
        assert len(orks["history"]) == 4


class TestMergeImport:
    async def test_counts_add_up_history_is_appended_and_new_names_are_created(
        self, client: httpx.AsyncClient, alice: dict[str, str]
    ) -> None:
        orks = await create(client, alice, "Orks", 5)
        document = _doc(
            _type("ORKS", [_event("IN_BOX", "DONE", 2, "2024-05-01T10:00:00+03:00")], IN_BOX=1, DONE=2),
            _type("Necrons", [_event(None, "IN_BOX", 3)], IN_BOX=3),
        )
        response = await _import(client, alice, document)
        assert response.status_code == 200
        assert response.json() == {"imported_types": 2, "created_types": 1, "merged_types": 1}
        listed = (await client.get("/api/v1/types", headers=alice)).json()
        assert [(t["name"], t["stage_counts"]) for t in listed] == [
            ("Necrons", counts(IN_BOX=3)), ("Orks", counts(IN_BOX=6, DONE=2)),
        ]
        history = (await client.get(f"/api/v1/types/{orks}/history", headers=alice)).json()
        assert [(g["from_stage"], g["to_stage"], g["qty"], g["timestamp"][:19]) for g in history][0] == \
            ("IN_BOX", "DONE", 2, "2024-05-01T07:00:00")
        assert len(history) == 2

    async def test_missing_stages_count_as_zero_and_same_names_in_the_file_merge(
        self, client: httpx.AsyncClient, alice: dict[str, str]
    ) -> None:
        response = await _import(client, alice, _doc(_type("Orks", PAINTING=1), _type("orks ", IN_BOX=2)))
        assert response.json() == {"imported_types": 1, "created_types": 1, "merged_types": 0}
        listed = (await client.get("/api/v1/types", headers=alice)).json()
        assert [(t["name"], t["stage_counts"]) for t in listed] == [("Orks", counts(IN_BOX=2, PAINTING=1))]

    async def test_an_empty_import_changes_nothing(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        await _seed(client, alice)
        before = await _state(client, alice)
        response = await _import(client, alice, _doc())
        assert response.json() == {"imported_types": 0, "created_types": 0, "merged_types": 0}
        assert await _state(client, alice) == before


BROKEN: list[tuple[str, object, str]] = [
    ("version 2", _doc(_type("New", IN_BOX=1), version=2), "ERR_IMPORT_INVALID"),
    ("no version", {"types": []}, "ERR_IMPORT_INVALID"),
    ("not an object", [1, 2], "ERR_IMPORT_INVALID"),
    ("unknown stage", _doc(_type("New", IN_BOX=1), _type("Orks", SHELF=1)), "ERR_IMPORT_INVALID"),
    ("count as text", _doc(_type("New", IN_BOX=1), {"name": "Orks", "stage_counts": {"IN_BOX": "5"}}),
     "ERR_IMPORT_INVALID"),
    ("fractional qty", _doc(_type("New", [_event("IN_BOX", "DONE", 1.5)])), "ERR_IMPORT_INVALID"),  # type: ignore[arg-type]
    ("backward history", _doc(_type("New", IN_BOX=1), _type("Orks", [_event("DONE", "IN_BOX", 1)])),
     "ERR_IMPORT_INVALID"),
    ("addition elsewhere", _doc(_type("Orks", [_event(None, "DONE", 1)])), "ERR_IMPORT_INVALID"),
    ("bad timestamp", _doc(_type("Orks", [_event("IN_BOX", "DONE", 1, "yesterday")])), "ERR_IMPORT_INVALID"),
    ("name missing", _doc(_type("New", IN_BOX=1), {"stage_counts": {}}), "ERR_IMPORT_INVALID"),
    ("name blank", _doc(_type("New", IN_BOX=1), _type("  ", IN_BOX=1)), "ERR_NAME_REQUIRED"),
    ("name too long", _doc(_type("New", IN_BOX=1), _type("x" * 101, IN_BOX=1)), "ERR_NAME_TOO_LONG"),
    ("negative count", _doc(_type("New", IN_BOX=1), _type("Orks", IN_BOX=-1)), "ERR_IMPORT_LIMITS"),
    ("count too big", _doc(_type("New", IN_BOX=1), _type("Orks", DONE=1_000_001)), "ERR_IMPORT_LIMITS"),
    ("zero qty event", _doc(_type("Orks", [_event("IN_BOX", "DONE", 0)])), "ERR_IMPORT_LIMITS"),
    ("too many types", _doc(*(_type(f"T{i}") for i in range(1001))), "ERR_IMPORT_LIMITS"),
    ("too much history", _doc(_type("Orks", [_event("IN_BOX", "DONE", 1)] * 10_001)), "ERR_IMPORT_LIMITS"),
]


class TestBrokenImport:
    @pytest.mark.parametrize(("document", "code"), [(d, c) for _, d, c in BROKEN], ids=[i for i, _, _ in BROKEN])
    async def test_is_refused_and_leaves_everything_as_it_was(
        self, client: httpx.AsyncClient, alice: dict[str, str], document: object, code: str
    ) -> None:
        await _seed(client, alice)
        before = await _state(client, alice)
        response = await _import(client, alice, document)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == code
        assert await _state(client, alice) == before

    @pytest.mark.parametrize("body", [b"", b"{not json", b'{"version": 1, "types": [', "ъ".encode("cp1251")])
    async def test_unreadable_body_is_refused(
        self, client: httpx.AsyncClient, alice: dict[str, str], body: bytes
    ) -> None:
        response = await client.post("/api/v1/import", content=body, headers=alice)
        assert response.status_code == 400
        assert response.json()["code"] == "ERR_IMPORT_INVALID"

    async def test_a_body_over_one_megabyte_is_refused(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        await _seed(client, alice)
        before = await _state(client, alice)
        padding = " " * (1024 * 1024)
        body = json.dumps(_doc(_type("Orks", IN_BOX=1))) + padding
        response = await client.post("/api/v1/import", content=body.encode(), headers=alice)
        assert response.status_code == 400
        assert response.json()["code"] == "ERR_IMPORT_TOO_LARGE"

        async def chunks() -> Any:  # no Content-Length: the limit holds while streaming
            yield body.encode()

        streamed = await client.post("/api/v1/import", content=chunks(), headers=alice)
        assert streamed.json()["code"] == "ERR_IMPORT_TOO_LARGE"
        assert await _state(client, alice) == before

    async def test_a_body_just_under_the_limit_is_read(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        body = json.dumps(_doc(_type("Orks", IN_BOX=1)))
        body += " " * (1024 * 1024 - len(body))
        response = await client.post("/api/v1/import", content=body.encode(), headers=alice)
        assert response.status_code == 200

    async def test_a_merge_that_would_overflow_a_type_is_refused(
        self, client: httpx.AsyncClient, alice: dict[str, str]
    ) -> None:
        # 500 × 2,000,000 = 10⁹ miniatures, the most one type may hold
        big = _doc(*(_type("Orks", IN_BOX=1_000_000, BUILDING=1_000_000) for _ in range(500)))
        assert (await _import(client, alice, big)).status_code == 200
        before = await _state(client, alice)
        response = await _import(client, alice, _doc(_type("New", IN_BOX=1), _type("orks", IN_BOX=1)))
        assert response.json()["code"] == "ERR_IMPORT_LIMITS"
        assert await _state(client, alice) == before


class TestImportIsOneTransaction:
    async def test_a_conflict_after_the_merge_began_rolls_the_whole_import_back(
        self, client: httpx.AsyncClient, alice: dict[str, str], engine: AsyncEngine, session_factory: SessionFactory
    ) -> None:
        """PostgreSQL: another transaction creates one of the new names while the import runs. The import's
        insert waits on the unique index, then fails, after its merge into "Orks" was already written."""
        if engine.dialect.name != "postgresql":
            pytest.skip("SQLite serializes whole transactions: the import would simply run after the other one")
        orks = await create(client, alice, "Orks", 5)
        async with session_factory() as other:
            assert await repository.insert_type(other, ALICE, "Necrons", "necrons") is not None
            document = _doc(_type("Orks", [_event("IN_BOX", "DONE", 1)], IN_BOX=7), _type("Necrons", IN_BOX=1))
            importing = asyncio.create_task(_import(client, alice, document))
            await _wait_for_a_lock_wait(session_factory)
            assert not importing.done()
            await other.commit()
        response = await importing
        assert response.status_code == 409
        assert response.json()["code"] == "ERR_DUPLICATE_NAME"
        orks_now = (await client.get(f"/api/v1/types/{orks}", headers=alice)).json()
        assert orks_now["stage_counts"] == counts(IN_BOX=5)
        assert len((await client.get(f"/api/v1/types/{orks}/history", headers=alice)).json()) == 1


async def _wait_for_a_lock_wait(session_factory: SessionFactory) -> None:
    for _ in range(200):
        async with session_factory() as s:
            waiting = await s.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"))
        if waiting:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the import never waited on the other transaction")
