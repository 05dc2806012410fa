"""Credentials that are correctly signed but carry what the users table cannot hold (an id beyond 64 bits, a
non-numeric id, NUL or a lone surrogate in a name) get a 401 with {"code", "message"}, or a sanitised user; never a
500."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import select

from core.auth.tokens import make_access_token
from core.db.base import utcnow
from core.runtime import Runtime
from core.users.models import User
from tests.conftest import TEST_BOT_TOKEN
from tests.fakes.initdata import sign_init_data

JWT_KEY = "test-jwt-signing-key-0123456789abcdef"  # tests/conftest.py settings


def tma(user: dict[str, Any], *, ascii_json: bool = False) -> dict[str, str]:
    return {"Authorization": f"tma {sign_init_data(TEST_BOT_TOKEN, user, ascii_json=ascii_json)}"}


def bearer(sub: str) -> dict[str, str]:
    now = utcnow()
    token = jwt.encode({"sub": sub, "type": "access", "iat": now, "exp": now.timestamp() + 600}, JWT_KEY,
                       algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


async def users(runtime: Runtime) -> list[User]:
    async with runtime.session_factory() as s:
        return list((await s.scalars(select(User))).all())


def assert_unauthorized(r: httpx.Response) -> None:
    assert r.status_code == 401
    assert r.json()["code"] == "ERR_UNAUTHORIZED" and r.json()["message"]


class TestInitData:
    @pytest.mark.parametrize("user_id", [2**63, -(2**63) - 1, 10**30, "abc", 1.5, None],
                             ids=["2^63", "below int64", "10^30", "text", "fraction", "null"])
    async def test_a_signed_user_id_a_bigint_cannot_hold_is_401(self, client: httpx.AsyncClient, runtime: Runtime,
                                                                user_id: Any) -> None:
        r = await client.get("/api/v1/me", headers=tma({"id": user_id, "first_name": "Eve"}))
        assert_unauthorized(r)
        assert await users(runtime) == []

    async def test_nul_and_lone_surrogates_in_names_are_replaced(self, client: httpx.AsyncClient,
                                                                 runtime: Runtime) -> None:
        user = {"id": 77, "first_name": "Ann\x00\ud800", "username": "a\udfffn"}
        r = await client.get("/api/v1/me", headers=tma(user, ascii_json=True))

        assert r.status_code == 200 and r.json()["first_name"] == "Ann\ufffd\ufffd"
        (stored,) = await users(runtime)
        assert (stored.id, stored.first_name, stored.username) == (77, "Ann\ufffd\ufffd", "a\ufffdn")


class TestAccessToken:
    @pytest.mark.parametrize("sub", [str(2**63), str(-(2**63) - 1), "abc", "", "1.5", "9" * 5000],
                             ids=["2^63", "below int64", "text", "empty", "fraction", "5000 digits"])
    async def test_a_valid_signature_on_a_user_id_a_bigint_cannot_hold_is_401(self, client: httpx.AsyncClient,
                                                                              sub: str) -> None:
        assert_unauthorized(await client.get("/api/v1/me", headers=bearer(sub)))

    async def test_a_valid_token_still_works(self, client: httpx.AsyncClient) -> None:
        await client.get("/api/v1/me", headers=tma({"id": 78, "first_name": "Bo"}))  # creates the user
        token = make_access_token(78, JWT_KEY, 600)
        r = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["id"] == 78
