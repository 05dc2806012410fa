"""Refresh-token rotation: of concurrent refreshes of one token exactly one wins, and a rotated token presented again
revokes every token of its login."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from core.auth import tokens
from core.auth.models import RefreshToken
from core.db.base import utcnow
from core.db.engine import SessionFactory
from core.runtime import Runtime
from core.users.service import ensure_user
from webapp.app import create_app

KEY = "test-jwt-signing-key-0123456789abcdef"
USER = 77
ROUNDS = 5
CONCURRENT = 10


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    runtime.settings = runtime.settings.model_copy(update={"sandbox": False})
    app: FastAPI = create_app(runtime.settings, runtime=runtime, run_migrations=False)
    app.state.runtime = runtime
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


async def _login(session_factory: SessionFactory) -> str:
    """A static token exchanged once: the first refresh token of a login."""
    async with session_factory() as s:
        await ensure_user(s, USER)
        static = await tokens.issue_static_token(s, USER)
        pair = await tokens.exchange(s, static, signing_key=KEY, access_ttl=60, refresh_ttl=3600)
        await s.commit()
    return pair.refresh_token


async def _refresh(session_factory: SessionFactory, token: str) -> str | None:
    """One client's refresh in its own session and transaction; None when it was refused."""
    async with session_factory() as s:
        try:
            pair = await tokens.refresh(s, token, signing_key=KEY, access_ttl=60, refresh_ttl=3600)
        except tokens.AuthError:
            await s.rollback()
            return None
        await s.commit()
        return pair.refresh_token


async def _valid(session_factory: SessionFactory) -> set[str]:
    """Hashes of the refresh tokens that can still be used."""
    async with session_factory() as s:
        rows = await s.scalars(select(RefreshToken.token_hash).where(RefreshToken.revoked_at.is_(None)))
        return set(rows.all())


class TestConcurrentRefresh:
    async def test_exactly_one_of_ten_concurrent_refreshes_wins(self, session_factory: SessionFactory) -> None:
        for _ in range(ROUNDS):
            token = await _login(session_factory)
            before = await _valid(session_factory)
            results = await asyncio.gather(*(_refresh(session_factory, token) for _ in range(CONCURRENT)))
            winners = [r for r in results if r is not None]
            assert len(winners) == 1
            new_valid = await _valid(session_factory) - before
            assert new_valid == {tokens.token_hash(winners[0])}  # one child, and it is the winner's
            assert tokens.token_hash(token) not in await _valid(session_factory)
            assert await _refresh(session_factory, winners[0]) is not None  # the child really works


class TestReuse:
    async def test_a_rotated_token_presented_again_revokes_the_whole_login(
        self, session_factory: SessionFactory, client: httpx.AsyncClient,
    ) -> None:
        first = await _login(session_factory)
        other_login = await _login(session_factory)  # another device of the same user: untouched
        r = await client.post("/auth/refresh", json={"refresh_token": first})
        assert r.status_code == 200
        second = r.json()["refresh_token"]
        r = await client.post("/auth/refresh", json={"refresh_token": second})
        assert r.status_code == 200
        third = r.json()["refresh_token"]
        async with session_factory() as s:  # the first rotation happened a while ago: not a client racing itself
            await s.execute(update(RefreshToken).where(RefreshToken.token_hash == tokens.token_hash(first))
                            .values(revoked_at=utcnow() - timedelta(minutes=5)))
            await s.commit()

        r = await client.post("/auth/refresh", json={"refresh_token": first})  # the stolen copy comes back

        assert r.status_code == 401
        assert r.json()["code"] == "ERR_UNAUTHORIZED" and r.json()["message"]
        assert tokens.token_hash(third) not in await _valid(session_factory)  # the thief's and the owner's
        r = await client.post("/auth/refresh", json={"refresh_token": third})
        assert r.status_code == 401 and r.json()["code"] == "ERR_UNAUTHORIZED"
        assert await _valid(session_factory) == {tokens.token_hash(other_login)}

    async def test_a_duplicate_right_after_rotation_is_refused_without_revoking(
        self, session_factory: SessionFactory, client: httpx.AsyncClient,
    ) -> None:
        first = await _login(session_factory)
        second = (await client.post("/auth/refresh", json={"refresh_token": first})).json()["refresh_token"]

        r = await client.post("/auth/refresh", json={"refresh_token": first})  # the same client, a second tab

        assert r.status_code == 401 and r.json()["code"] == "ERR_UNAUTHORIZED"
        assert await _valid(session_factory) == {tokens.token_hash(second)}
