"""Key rotation: every per-user secret sealed with an older master key is sealed again with the current one."""

from __future__ import annotations

from typing import Any

import pytest
import structlog
from sqlalchemy import select

from core.ai import secrets as ai_secrets
from core.calendar import feeds, oauth
from core.calendar.models import CalendarFeed
from core.config import Settings
from core.crypto import SecretBox
from core.db.engine import SessionFactory
from core.secrets import rotation, store
from core.users.models import UserSecret

OPENAI_KEY = "sk-rotated-user-key-ABCDEFGHIJ0123456789"
REFRESH_TOKEN = "1//google-refresh-token-0123456789"
NEW_MASTER = "the new master key"


def _box(settings: Settings, **update: Any) -> SecretBox:
    """The box the process would build from its environment (MASTER_ENCRYPTION_* settings)."""
    return SecretBox.from_settings(settings.model_copy(update=update))


@pytest.fixture
def old_box(settings: Settings) -> SecretBox:
    box = _box(settings)
    assert box.key_version == 1
    return box


@pytest.fixture
def rotating_box(settings: Settings) -> SecretBox:
    """Version 2 current, version 1 still held for reading (MASTER_ENCRYPTION_PREVIOUS_KEYS)."""
    return _box(settings, master_encryption_key=NEW_MASTER, master_encryption_key_version=2,
                master_encryption_previous_keys=f"1:{settings.master_encryption_key}")


@pytest.fixture
def new_only_box(settings: Settings) -> SecretBox:
    box = _box(settings, master_encryption_key=NEW_MASTER, master_encryption_key_version=2)
    assert repr(box) == "SecretBox(versions=[2], current=2)"
    return box


def _capture_logs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []

    def capture(_logger: Any, method: str, event: Any) -> Any:
        entries.append(dict(event, level=method))
        raise structlog.DropEvent

    monkeypatch.setattr(rotation, "log", structlog.wrap_logger(
        None, processors=[capture], wrapper_class=structlog.BoundLogger))
    return entries


class TestRotateAll:
    async def test_every_kind_of_secret_is_sealed_again_and_reads_back_with_only_the_new_key(
        self, session_factory: SessionFactory, users: tuple[int, int], old_box: SecretBox,
        rotating_box: SecretBox, new_only_box: SecretBox, monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        owner, _ = users
        async with session_factory() as s:
            await ai_secrets.set_api_key(s, old_box, owner, "openai", OPENAI_KEY)
            await oauth.save_refresh_token(s, old_box, owner, REFRESH_TOKEN)
            ics_token = await feeds.get_or_create_token(s, old_box, owner)
            await s.commit()
        logs = _capture_logs(monkeypatch)

        async with session_factory() as s:
            report = await rotation.rotate_all(s, rotating_box)
            await s.commit()

        assert report.key_version == 2
        assert report.rotated == {"openai_api_key": 1, oauth.SECRET_NAME: 1, feeds.TOKEN_NAME: 1}
        assert report.total_rotated == 3 and report.total_unreadable == 0
        async with session_factory() as s:
            assert set(await s.scalars(select(UserSecret.key_version))) == {2}
            assert set(await s.scalars(select(CalendarFeed.key_version))) == {2}
            assert await ai_secrets.get_api_key(s, new_only_box, owner, "openai") == OPENAI_KEY
            assert await oauth.load_refresh_token(s, new_only_box, owner) == REFRESH_TOKEN
            assert await feeds.get_or_create_token(s, new_only_box, owner) == ics_token  # the same address
            assert await feeds.user_for_token(s, ics_token) == owner
        everything = repr(logs)
        assert "secrets.rotated" in everything
        assert all(value not in everything for value in (OPENAI_KEY, REFRESH_TOKEN, ics_token))

    async def test_a_second_run_rotates_nothing(
        self, session_factory: SessionFactory, users: tuple[int, int], old_box: SecretBox, rotating_box: SecretBox
    ) -> None:
        owner, other = users
        async with session_factory() as s:
            await ai_secrets.set_api_key(s, old_box, owner, "gemini", "AIza-gemini-key-000")
            await oauth.save_refresh_token(s, old_box, other, REFRESH_TOKEN)
            await feeds.get_or_create_token(s, old_box, other)
            await s.commit()
        async with session_factory() as s:
            assert (await rotation.rotate_all(s, rotating_box)).total_rotated == 3
            await s.commit()
        async with session_factory() as s:
            again = await rotation.rotate_all(s, rotating_box)
        assert again.total_rotated == 0 and again.total_unreadable == 0 and again.rotated == {}

    async def test_secrets_already_under_the_current_key_are_left_as_they_are(
        self, session_factory: SessionFactory, users: tuple[int, int], rotating_box: SecretBox
    ) -> None:
        owner, _ = users
        async with session_factory() as s:
            await store.put(s, rotating_box, owner, "docs_service_key", "current-value")
            await s.commit()
            before = await s.scalar(select(UserSecret.ciphertext))
        async with session_factory() as s:
            assert (await rotation.rotate_all(s, rotating_box)).total_rotated == 0
            await s.commit()
            assert await s.scalar(select(UserSecret.ciphertext)) == before


class TestUnreadable:
    async def test_an_unreadable_secret_is_counted_kept_as_it_is_and_the_rest_still_rotates(
        self, session_factory: SessionFactory, users: tuple[int, int], old_box: SecretBox,
        rotating_box: SecretBox, new_only_box: SecretBox, monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        owner, other = users
        lost = SecretBox({3: "a master key nobody kept"})
        wrong = SecretBox({1: "not the version 1 master key"})
        async with session_factory() as s:
            await ai_secrets.set_api_key(s, lost, owner, "openai", "sk-sealed-with-a-lost-key-000")
            await oauth.save_refresh_token(s, wrong, owner, "1//sealed-with-the-wrong-key")
            await feeds.get_or_create_token(s, wrong, owner)
            await ai_secrets.set_api_key(s, old_box, other, "openai", OPENAI_KEY)
            await s.commit()
            before = {(r.name, r.ciphertext, r.key_version) for r in await s.scalars(
                select(UserSecret).where(UserSecret.user_id == owner))}
            feed_before = await s.scalar(select(CalendarFeed.token_ciphertext))
        logs = _capture_logs(monkeypatch)

        async with session_factory() as s:
            report = await rotation.rotate_all(s, rotating_box)
            await s.commit()

        assert report.rotated == {"openai_api_key": 1}
        assert report.unreadable == {"openai_api_key": 1, oauth.SECRET_NAME: 1, feeds.TOKEN_NAME: 1}
        async with session_factory() as s:
            after = {(r.name, r.ciphertext, r.key_version) for r in await s.scalars(
                select(UserSecret).where(UserSecret.user_id == owner))}
            assert after == before
            assert await s.scalar(select(CalendarFeed.token_ciphertext)) == feed_before
            assert await ai_secrets.get_api_key(s, new_only_box, other, "openai") == OPENAI_KEY
        unreadable = [e for e in logs if e["event"] == "secrets.rotation_unreadable"]
        assert len(unreadable) == 3 and all(e["level"] == "warning" for e in unreadable)
        assert "sealed-with" not in repr(logs) and OPENAI_KEY not in repr(logs)

    async def test_unreadable_rows_do_not_stall_a_run_that_reads_in_batches(
        self, session_factory: SessionFactory, old_box: SecretBox, rotating_box: SecretBox,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # with batches of two, a run that selected the unreadable rows again would never end
        monkeypatch.setattr(rotation, "BATCH", 2)
        lost = SecretBox({3: "a master key nobody kept"})
        from core.users.models import User

        async with session_factory() as s:
            s.add_all([User(id=user_id, first_name="U") for user_id in range(5201, 5206)])
            for user_id in range(5201, 5206):
                await ai_secrets.set_api_key(s, old_box, user_id, "openai", f"sk-key-of-{user_id}")
                if user_id < 5203:
                    await ai_secrets.set_api_key(s, lost, user_id, "gemini", f"AIza-lost-{user_id}")
            await s.commit()

        async with session_factory() as s:
            report = await rotation.rotate_all(s, rotating_box)
            await s.commit()

        assert report.rotated == {"openai_api_key": 5}
        assert report.unreadable == {"gemini_api_key": 2}
