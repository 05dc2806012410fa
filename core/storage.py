"""Where uploaded files' bytes live: a storage interface, and a local folder (under DATA_DIR) behind it by default.

An app picks its folder (``LocalStorage(settings.data_dir / "journal")``); keys are relative paths the app makes from
ids and hashes, never from a user's file name. (No S3-compatible store is built in: it would need a client library
this project does not ship; another ``Storage`` can be given where one is wanted.)"""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path
from typing import Protocol


class Storage(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files under a folder; a key is a relative path of safe characters (``<user>/<sha256>.pdf``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError("storage key outside the storage folder")
        return path

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        draft.write_bytes(data)
        os.replace(draft, path)  # whole or not at all

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)

    async def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
