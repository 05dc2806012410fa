"""`secretary rotate-keys`: the operator's command re-encrypts every stored secret under the new master key."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from sqlalchemy import select

from core.ai import secrets as ai_secrets
from core.calendar import oauth
from core.config import Settings
from core.crypto import SecretBox
from core.db.engine import SessionFactory
from core.users.models import UserSecret

OLD, NEW = "the old master key", "the new master key"


def rotate_keys(database_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "DATABASE_URL": database_url, "ENVIRONMENT": "test", "MASTER_ENCRYPTION_KEY": NEW,
            "MASTER_ENCRYPTION_KEY_VERSION": "2", **env}
    return subprocess.run([sys.executable, "-m", "secretary.cli", "rotate-keys"], env=full, capture_output=True,
                          text=True, timeout=60)


async def _seal_with_old_key(session_factory: SessionFactory, user_id: int) -> None:
    old = SecretBox({1: OLD})
    async with session_factory() as s:
        await ai_secrets.set_api_key(s, old, user_id, "openai", "sk-user-key-0123456789")
        await oauth.save_refresh_token(s, old, user_id, "1//refresh-token")
        await s.commit()


class TestRotateKeys:
    async def test_every_secret_moves_to_the_new_key(self, settings: Settings, session_factory: SessionFactory,
                                                     users: tuple[int, int]) -> None:
        await _seal_with_old_key(session_factory, users[0])
        r = await asyncio.to_thread(rotate_keys, settings.database_url, MASTER_ENCRYPTION_PREVIOUS_KEYS=f"1:{OLD}")
        assert r.returncode == 0, r.stderr
        assert "2 secrets now under key version 2; 0 unreadable" in r.stderr.replace("\n", " ")
        new_only = SecretBox({2: NEW})
        async with session_factory() as s:
            assert set(await s.scalars(select(UserSecret.key_version))) == {2}
            assert await ai_secrets.get_api_key(s, new_only, users[0], "openai") == "sk-user-key-0123456789"
            assert await oauth.load_refresh_token(s, new_only, users[0]) == "1//refresh-token"

    async def test_without_the_old_key_nothing_is_lost_and_it_says_so(
            self, settings: Settings, session_factory: SessionFactory, users: tuple[int, int]) -> None:
        await _seal_with_old_key(session_factory, users[0])
        r = await asyncio.to_thread(rotate_keys, settings.database_url)
        assert r.returncode == 1
        assert "unreadable 1 × openai_api_key" in r.stderr and "sk-user-key" not in r.stderr + r.stdout
        async with session_factory() as s:
            assert set(await s.scalars(select(UserSecret.key_version))) == {1}
            assert await ai_secrets.get_api_key(s, SecretBox({1: OLD}), users[0], "openai") == "sk-user-key-0123456789"
