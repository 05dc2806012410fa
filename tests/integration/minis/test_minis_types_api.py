"""Creating, reading, listing and searching miniature types; per-user isolation; authentication."""

from __future__ import annotations

import time

import httpx
import pytest
from minis_helpers import ALICE, BOB, counts, create

from core.auth.tokens import make_access_token
from core.config import Settings
from tests.conftest import TEST_BOT_TOKEN
from tests.fakes.initdata import sign_init_data, tma_header


class TestCreateType:
    async def test_quantity_goes_into_in_box_and_every_stage_is_present(
        self, client: httpx.AsyncClient, alice: dict[str, str]
    ) -> None:
        response = await client.post("/api/v1/types", json={"name": "Space Marines", "quantity": 10}, headers=alice)
        assert response.status_code == 201
        body = response.json()
        assert body == {"id": body["id"], "name": "Space Marines", "stage_counts": counts(IN_BOX=10)}
        again = await client.get(f"/api/v1/types/{body['id']}", headers=alice)
        assert again.json() == body

    async def test_quantity_defaults_to_zero(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        response = await client.post("/api/v1/types", json={"name": "Orks"}, headers=alice)
        assert response.status_code == 201
        assert response.json()["stage_counts"] == counts()

    async def test_name_is_trimmed_and_inner_spaces_collapsed(
        self, client: httpx.AsyncClient, alice: dict[str, str]
    ) -> None:
        response = await client.post("/api/v1/types", json={"name": "  Dark \t  Angels "}, headers=alice)
        assert response.json()["name"] == "Dark Angels"

    @pytest.mark.parametrize("name", ["", "   ", "\n\t"])
    async def test_blank_name_is_refused(self, client: httpx.AsyncClient, alice: dict[str, str], name: str) -> None:
        response = await client.post("/api/v1/types", json={"name": name}, headers=alice)
        assert response.status_code == 400
        assert response.json()["code"] == "ERR_NAME_REQUIRED"

    async def test_name_of_100_characters_is_the_longest_allowed(
        self, client: httpx.AsyncClient, alice: dict[str, str]
    ) -> None:
        ok = await client.post("/api/v1/types", json={"name": "я" * 100}, headers=alice)
        too_long = await client.post("/api/v1/types", json={"name": "я" * 101}, headers=alice)
        assert ok.status_code == 201
        assert too_long.status_code == 400
        assert too_long.json()["code"] == "ERR_NAME_TOO_LONG"

    @pytest.mark.parametrize(("first", "second"), [
        ("Space Marines", "space marines"),
        ("Космодесант", "КОСМОДЕСАНТ"),
        ("Straße", "STRASSE"),
        ("Ёлочные игрушки", "елочные ИГРУШКИ"),
        ("Necrons", " Necrons  "),
    ])
    async def test_duplicate_name_ignoring_case_is_a_conflict(
        self, client: httpx.AsyncClient, alice: dict[str, str], first: str, second: str
    ) -> None:
        await create(client, alice, first, 3)
        response = await client.post("/api/v1/types", json={"name": second, "quantity": 5}, headers=alice)
        assert response.status_code == 409
        assert response.json()["code"] == "ERR_DUPLICATE_NAME"
        listed = (await client.get("/api/v1/types", headers=alice)).json()
        assert [(t["name"], t["stage_counts"]["IN_BOX"]) for t in listed] == [(first, 3)]

    async def test_two_users_may_use_the_same_name(
        self, client: httpx.AsyncClient, alice: dict[str, str], bob: dict[str, str]
    ) -> None:
        await create(client, alice, "Tyranids")
        response = await client.post("/api/v1/types", json={"name": "Tyranids"}, headers=bob)
        assert response.status_code == 201

    @pytest.mark.parametrize("quantity", [-1, 1_000_001])
    async def test_quantity_out_of_range_is_refused(
        self, client: httpx.AsyncClient, alice: dict[str, str], quantity: int
    ) -> None:
        response = await client.post("/api/v1/types", json={"name": "Eldar", "quantity": quantity}, headers=alice)
        assert response.status_code == 400
        assert response.json()["code"] == "ERR_INVALID_QTY"
        assert (await client.get("/api/v1/types", headers=alice)).json() == []

    async def test_missing_name_is_a_validation_error(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        response = await client.post("/api/v1/types", json={"quantity": 1}, headers=alice)
        assert response.status_code == 422
        assert response.json()["code"] == "ERR_VALIDATION"


class TestListTypes:
    async def test_sorted_a_to_z_ignoring_case(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        for name in ["zombies", "Гоблины", "Alpha Legion", "жуки", "арбалетчики", "ежевика", "Ёжики", "beastmen"]:
            await create(client, alice, name)
        listed = (await client.get("/api/v1/types", headers=alice)).json()
        assert [t["name"] for t in listed] == [
            "Alpha Legion", "beastmen", "zombies", "арбалетчики", "Гоблины", "ежевика", "Ёжики", "жуки",
        ]

    async def test_each_type_carries_its_counts(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        type_id = await create(client, alice, "Orks", 7)
        await client.post(f"/api/v1/types/{type_id}/move", headers=alice,
                          json={"from_stage": "IN_BOX", "to_stage": "PRIMING", "qty": 2})
        await create(client, alice, "Eldar")
        listed = (await client.get("/api/v1/types", headers=alice)).json()
        assert listed == [
            {"id": listed[0]["id"], "name": "Eldar", "stage_counts": counts()},
            {"id": type_id, "name": "Orks", "stage_counts": counts(IN_BOX=5, PRIMING=2)},
        ]

    @pytest.mark.parametrize(("q", "expected"), [
        ("MAR", ["Primaris marine", "Space Marines"]),
        ("marines", ["Space Marines"]),
        ("гоБ", ["Гоблины"]),
        ("  ", ["50% off box", "Primaris marine", "Space Marines", "Гоблины"]),
        ("%", ["50% off box"]),
        ("_", []),
        ("knights", []),
    ])
    async def test_search_is_a_case_insensitive_substring(
        self, client: httpx.AsyncClient, alice: dict[str, str], q: str, expected: list[str]
    ) -> None:
        for name in ["Space Marines", "Гоблины", "Primaris marine", "50% off box"]:
            await create(client, alice, name)
        response = await client.get("/api/v1/types", params={"q": q}, headers=alice)
        assert [t["name"] for t in response.json()] == expected

    async def test_search_reads_yo_as_ye(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        for name in ["Ёжики-ниндзя", "Ежевика", "Орки"]:
            await create(client, alice, name)
        for q in ("ЁЖ", "еж"):
            response = await client.get("/api/v1/types", params={"q": q}, headers=alice)
            assert [t["name"] for t in response.json()] == ["Ежевика", "Ёжики-ниндзя"]

    async def test_lists_only_the_users_own_types(
        self, client: httpx.AsyncClient, alice: dict[str, str], bob: dict[str, str]
    ) -> None:
        await create(client, alice, "Alice's army", 4)
        await create(client, bob, "Bob's army", 1)
        assert [t["name"] for t in (await client.get("/api/v1/types", headers=bob)).json()] == ["Bob's army"]
        assert [t["name"] for t in (await client.get("/api/v1/types", params={"q": "army"}, headers=alice)).json()] \
            == ["Alice's army"]

    async def test_empty_collection(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        response = await client.get("/api/v1/types", headers=alice)
        assert response.status_code == 200
        assert response.json() == []


class TestGetType:
    async def test_missing_type_is_not_found(self, client: httpx.AsyncClient, alice: dict[str, str]) -> None:
        response = await client.get("/api/v1/types/999999", headers=alice)
        assert response.status_code == 404
        assert response.json()["code"] == "ERR_NOT_FOUND"

    async def test_an_id_beyond_bigint_is_a_validation_error(
        self, client: httpx.AsyncClient, alice: dict[str, str]
    ) -> None:
        response = await client.get(f"/api/v1/types/{2**63}", headers=alice)
        assert response.status_code == 422
        assert response.json()["code"] == "ERR_VALIDATION"

    @pytest.mark.parametrize("path", ["", "/history"])
    async def test_another_users_type_is_not_found(
        self, client: httpx.AsyncClient, alice: dict[str, str], bob: dict[str, str], path: str
    ) -> None:
        type_id = await create(client, alice, "Secret project", 2)
        response = await client.get(f"/api/v1/types/{type_id}{path}", headers=bob)
        assert response.status_code == 404
        assert response.json()["code"] == "ERR_NOT_FOUND"


ROUTES = [
    ("GET", "/api/v1/types", None),
    ("POST", "/api/v1/types", {"name": "X"}),
    ("GET", "/api/v1/types/1", None),
    ("POST", "/api/v1/types/1/add", {"qty": 1}),
    ("POST", "/api/v1/types/1/move", {"from_stage": "IN_BOX", "to_stage": "DONE", "qty": 1}),
    ("GET", "/api/v1/types/1/history", None),
    ("GET", "/api/v1/export", None),
    ("POST", "/api/v1/import", {"version": 1, "types": []}),
]


class TestAuthentication:
    @pytest.mark.parametrize(("method", "url", "body"), ROUTES)
    async def test_every_route_needs_credentials(
        self, client: httpx.AsyncClient, method: str, url: str, body: object
    ) -> None:
        response = await client.request(method, url, json=body)
        assert response.status_code == 401
        assert response.json()["code"] == "ERR_UNAUTHORIZED"

    async def test_tampered_init_data_is_refused(self, client: httpx.AsyncClient) -> None:
        init_data = sign_init_data(TEST_BOT_TOKEN, {"id": ALICE, "first_name": "A"})
        forged = init_data.replace(f"%22id%22%3A{ALICE}", f"%22id%22%3A{BOB}")
        assert forged != init_data
        response = await client.get("/api/v1/types", headers={"Authorization": f"tma {forged}"})
        assert response.status_code == 401
        assert response.json()["code"] == "ERR_UNAUTHORIZED"

    async def test_init_data_signed_for_another_bot_is_refused(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/types", headers=tma_header("999:OTHER-bot-token", ALICE))
        assert response.status_code == 401
        assert response.json()["code"] == "ERR_UNAUTHORIZED"

    async def test_expired_init_data_is_refused(self, client: httpx.AsyncClient, settings: Settings) -> None:
        old = int(time.time()) - settings.webapp_initdata_ttl - 60
        response = await client.get("/api/v1/types", headers=tma_header(TEST_BOT_TOKEN, ALICE, auth_date=old))
        assert response.status_code == 401
        assert response.json()["code"] == "ERR_UNAUTHORIZED"

    async def test_bearer_access_token_reads_the_same_collection(
        self, client: httpx.AsyncClient, alice: dict[str, str], settings: Settings
    ) -> None:
        await create(client, alice, "Via Mini App", 1)
        token = make_access_token(ALICE, settings.jwt_signing_key, ttl=60)
        response = await client.get("/api/v1/types", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert [t["name"] for t in response.json()] == ["Via Mini App"]
