"""SecretBox: AES-GCM with HKDF-derived keys, bound to a context, rotatable by key version."""

from __future__ import annotations

import pytest

from core.config import Settings
from core.crypto import SecretBox, SecretUnreadable

KEY = "sk-proj-very-secret-0123456789"


class TestSecretBox:
    def test_round_trip(self) -> None:
        box = SecretBox({1: "master"})
        sealed, version = box.encrypt(KEY, context="user:1:openai_api_key")
        assert version == 1
        assert KEY.encode() not in sealed
        assert box.decrypt(sealed, version, context="user:1:openai_api_key") == KEY

    def test_same_plaintext_encrypts_differently_each_time(self) -> None:
        box = SecretBox({1: "master"})
        assert box.encrypt(KEY)[0] != box.encrypt(KEY)[0]

    def test_a_ciphertext_moved_to_another_user_does_not_open(self) -> None:
        box = SecretBox({1: "master"})
        sealed, version = box.encrypt(KEY, context="user:1:openai_api_key")
        with pytest.raises(SecretUnreadable):
            box.decrypt(sealed, version, context="user:2:openai_api_key")

    def test_another_master_key_cannot_read_it(self) -> None:
        sealed, version = SecretBox({1: "master"}).encrypt(KEY)
        with pytest.raises(SecretUnreadable) as caught:
            SecretBox({1: "other master"}).decrypt(sealed, version)
        assert caught.value.code == "ERR_SECRET_UNREADABLE"

    def test_rotation_reads_old_versions_and_writes_the_current_one(self) -> None:
        old = SecretBox({1: "old master"})
        sealed, version = old.encrypt(KEY)
        rotated = SecretBox({1: "old master", 2: "new master"}, current=2)
        assert rotated.needs_rotation(version)
        assert rotated.decrypt(sealed, version) == KEY
        resealed, new_version = rotated.encrypt(KEY)
        assert new_version == 2 and not rotated.needs_rotation(new_version)
        with pytest.raises(SecretUnreadable):
            old.decrypt(resealed, new_version)

    def test_from_settings_uses_master_encryption_key(self) -> None:
        settings = Settings(_env_file=None, master_encryption_key="from-settings")  # type: ignore[call-arg]
        sealed, version = SecretBox.from_settings(settings).encrypt(KEY)
        assert SecretBox({1: "from-settings"}).decrypt(sealed, version) == KEY

    def test_repr_shows_no_key_material(self) -> None:
        assert "master" not in repr(SecretBox({1: "master"}))
