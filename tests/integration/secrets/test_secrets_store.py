"""The secret store: values sealed at rest, read back, replaced, deleted, and bound to their user and name."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.crypto import SecretBox, SecretUnreadable
from core.secrets import store
from core.users.models import UserSecret

NAME = "docs_service_key"
VALUE = "ds-secret-value-0123456789abcdef"


@pytest.fixture
def box(settings: Settings) -> SecretBox:
    return SecretBox.from_settings(settings)


async def _row(session: AsyncSession, user_id: int, name: str = NAME) -> UserSecret | None:
    return await session.scalar(select(UserSecret).where(UserSecret.user_id == user_id, UserSecret.name == name))


class TestRoundTrip:
    async def test_a_value_is_stored_encrypted_and_read_back(
        self, session: AsyncSession, box: SecretBox, users: tuple[int, int]
    ) -> None:
        owner, other = users
        await store.put(session, box, owner, NAME, VALUE)
        row = await _row(session, owner)
        assert row is not None and row.key_version == box.key_version
        assert VALUE.encode() not in row.ciphertext
        assert await store.get(session, box, owner, NAME) == VALUE
        assert await store.exists(session, owner, NAME) is True

    async def test_an_absent_secret_is_none_and_does_not_exist(
        self, session: AsyncSession, box: SecretBox, users: tuple[int, int]
    ) -> None:
        owner, other = users
        await store.put(session, box, owner, NAME, VALUE)
        assert await store.get(session, box, other, NAME) is None
        assert await store.get(session, box, owner, "another_name") is None
        assert await store.exists(session, other, NAME) is False

    async def test_putting_again_replaces_the_value_in_the_same_row(
        self, session: AsyncSession, box: SecretBox, users: tuple[int, int]
    ) -> None:
        owner, _ = users
        await store.put(session, box, owner, NAME, "first-value")
        await store.put(session, box, owner, NAME, "second-value")
        rows = (await session.scalars(select(UserSecret).where(UserSecret.user_id == owner))).all()
        assert len(rows) == 1
        assert await store.get(session, box, owner, NAME) == "second-value"

    async def test_names_present_lists_only_the_asked_names_this_user_has(
        self, session: AsyncSession, box: SecretBox, users: tuple[int, int]
    ) -> None:
        owner, other = users
        await store.put(session, box, owner, "a_key", VALUE)
        await store.put(session, box, owner, "unasked_key", VALUE)
        await store.put(session, box, other, "b_key", VALUE)
        assert await store.names_present(session, owner, ["a_key", "b_key"]) == {"a_key"}
        assert await store.names_present(session, other, iter(["a_key", "b_key"])) == {"b_key"}
        assert await store.names_present(session, owner, []) == set()

    async def test_put_flushes_and_leaves_the_commit_to_the_caller(
        self, session: AsyncSession, box: SecretBox, users: tuple[int, int]
    ) -> None:
        owner, _ = users
        await store.put(session, box, owner, NAME, VALUE)
        await session.rollback()
        assert await store.exists(session, owner, NAME) is False


class TestDelete:
    async def test_delete_says_whether_there_was_a_secret(
        self, session: AsyncSession, box: SecretBox, users: tuple[int, int]
    ) -> None:
        owner, other = users
        await store.put(session, box, owner, NAME, VALUE)
        await store.put(session, box, other, NAME, "bobs-value")
        assert await store.delete(session, owner, NAME) is True
        assert await store.delete(session, owner, NAME) is False
        assert await store.get(session, box, owner, NAME) is None
        assert await store.exists(session, owner, NAME) is False
        assert await store.get(session, box, other, NAME) == "bobs-value"  # only the owner's row went


class TestContextBinding:
    async def test_the_context_is_the_user_and_the_name(self) -> None:
        assert store.secret_context(42, "openai_api_key") == "user:42:openai_api_key"

    async def test_a_row_sealed_with_that_context_before_the_store_existed_still_opens(
        self, session: AsyncSession, box: SecretBox, users: tuple[int, int]
    ) -> None:
        owner, _ = users
        ciphertext, version = box.encrypt(VALUE, context=f"user:{owner}:{NAME}")
        session.add(UserSecret(user_id=owner, name=NAME, ciphertext=ciphertext, key_version=version))
        await session.flush()
        assert await store.get(session, box, owner, NAME) == VALUE

    async def test_a_ciphertext_copied_to_another_user_fails_to_open(
        self, session: AsyncSession, box: SecretBox, users: tuple[int, int]
    ) -> None:
        owner, other = users
        await store.put(session, box, owner, NAME, VALUE)
        await store.put(session, box, other, NAME, "bobs-value")
        stolen, theirs = await _row(session, owner), await _row(session, other)
        assert stolen is not None and theirs is not None
        theirs.ciphertext, theirs.key_version = stolen.ciphertext, stolen.key_version
        await session.flush()
        with pytest.raises(SecretUnreadable):
            await store.get(session, box, other, NAME)
        assert await store.get(session, box, owner, NAME) == VALUE

    async def test_a_ciphertext_copied_to_another_name_fails_to_open(
        self, session: AsyncSession, box: SecretBox, users: tuple[int, int]
    ) -> None:
        owner, _ = users
        await store.put(session, box, owner, NAME, VALUE)
        row = await _row(session, owner)
        assert row is not None
        session.add(UserSecret(user_id=owner, name="other_name", ciphertext=row.ciphertext,
                               key_version=row.key_version))
        await session.flush()
        with pytest.raises(SecretUnreadable):
            await store.get(session, box, owner, "other_name")

    async def test_a_box_without_the_sealing_key_cannot_open_it(
        self, session: AsyncSession, box: SecretBox, users: tuple[int, int]
    ) -> None:
        owner, _ = users
        await store.put(session, box, owner, NAME, VALUE)
        with pytest.raises(SecretUnreadable):
            await store.get(session, SecretBox({box.key_version + 1: "another master"}), owner, NAME)
