"""Encryption of per-user secrets (API keys, OAuth tokens) with keys derived from MASTER_ENCRYPTION_KEY.

AES-256-GCM; the 32-byte key is derived from the master string with HKDF-SHA256, so any string works as a
master key. Each ciphertext is stored with the version of the key that sealed it: to rotate, give the new
master key a new version and keep the old ones for reading (``SecretBox({2: new, 1: old}, current=2)``),
then re-encrypt whatever :meth:`SecretBox.needs_rotation` reports. The ``context`` (e.g. "user:42:openai_api_key")
is bound to the ciphertext as associated data, so a ciphertext copied to another user or name fails to open.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.config import Settings
from core.errors import DomainError

_FORMAT = b"\x01"  # leading byte: layout version of the ciphertext (nonce ‖ AES-GCM output)
_NONCE_BYTES = 12
_SALT = b"secretary/secretbox"


class SecretUnreadable(DomainError):
    def __init__(self, message: str = "the secret cannot be decrypted with the configured keys") -> None:
        super().__init__("ERR_SECRET_UNREADABLE", message)


def derive_key(master: str, version: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT,
                info=f"user-secrets:v{version}".encode()).derive(master.encode())


class SecretBox:
    def __init__(self, masters: Mapping[int, str], *, current: int | None = None) -> None:
        if not masters:
            raise ValueError("SecretBox needs at least one master key")
        self._keys = {version: AESGCM(derive_key(master, version)) for version, master in masters.items()}
        self.key_version = current if current is not None else max(masters)
        if self.key_version not in self._keys:
            raise ValueError(f"no master key for the current version {self.key_version}")

    def __repr__(self) -> str:  # never show key material
        return f"SecretBox(versions={sorted(self._keys)}, current={self.key_version})"

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        """MASTER_ENCRYPTION_KEY at MASTER_ENCRYPTION_KEY_VERSION (default 1), plus older keys for reading from
        MASTER_ENCRYPTION_PREVIOUS_KEYS ("1:old-key,2:older-key") when those settings exist."""
        current = settings.master_encryption_key_version
        masters: dict[int, str] = {}
        previous = settings.master_encryption_previous_keys
        for item in filter(None, (p.strip() for p in previous.split(","))):
            version, _, master = item.partition(":")
            masters[int(version)] = master
        masters[current] = settings.master_encryption_key
        return cls(masters, current=current)

    def encrypt(self, plaintext: str, *, context: str = "") -> tuple[bytes, int]:
        """Seal ``plaintext``; returns ``(ciphertext, key_version)`` to store together."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._keys[self.key_version].encrypt(nonce, plaintext.encode(), context.encode())
        return _FORMAT + nonce + sealed, self.key_version

    def decrypt(self, ciphertext: bytes, key_version: int, *, context: str = "") -> str:
        aead = self._keys.get(key_version)
        if aead is None or not ciphertext.startswith(_FORMAT):
            raise SecretUnreadable(f"no key for version {key_version}" if aead is None else "unknown format")
        nonce = ciphertext[1:1 + _NONCE_BYTES]
        try:
            return aead.decrypt(nonce, ciphertext[1 + _NONCE_BYTES:], context.encode()).decode()
        except InvalidTag as exc:
            raise SecretUnreadable() from exc

    def needs_rotation(self, key_version: int) -> bool:
        return key_version != self.key_version
