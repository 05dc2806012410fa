"""Where the sandbox keeps its state: in memory, or a SQLite file (stdlib sqlite3) that outlives restarts.

The live state is held in memory by `SandboxState`; the store is written through on every change.
Writes made during one event-loop turn share one transaction (committed on the next turn), so a burst of
hundreds of messages a second costs a few small commits, never a rewrite of the whole state.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any, Protocol

import structlog

log = structlog.get_logger()

Records = dict[str, dict[str, dict[str, Any]]]  # kind -> key -> record


class Store(Protocol):
    def load(self) -> Records: ...
    def put(self, kind: str, key: str, record: dict[str, Any]) -> None: ...
    def delete(self, kind: str, key: str) -> None: ...
    def clear(self, kinds: list[str]) -> None: ...
    def put_blob(self, key: str, data: bytes) -> None: ...
    def get_blob(self, key: str) -> bytes | None: ...
    def flush(self) -> None: ...
    def close(self) -> None: ...


class MemoryStore:
    """No persistence; file contents are the only thing it has to hold."""

    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}

    def load(self) -> Records:
        return {}

    def put(self, kind: str, key: str, record: dict[str, Any]) -> None:
        return None

    def delete(self, kind: str, key: str) -> None:
        return None

    def clear(self, kinds: list[str]) -> None:
        if "file" in kinds:
            self._blobs.clear()

    def put_blob(self, key: str, data: bytes) -> None:
        self._blobs[key] = data

    def get_blob(self, key: str) -> bytes | None:
        return self._blobs.get(key)

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None


class SqliteStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,"
            " PRIMARY KEY (kind, key))"
        )
        self._db.execute("CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
        self._db.commit()
        self._commit_scheduled = False

    def load(self) -> Records:
        records: Records = {}
        for kind, key, data in self._db.execute("SELECT kind, key, data FROM records ORDER BY rowid"):
            records.setdefault(kind, {})[key] = json.loads(data)
        return records

    def put(self, kind: str, key: str, record: dict[str, Any]) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO records (kind, key, data) VALUES (?, ?, ?)",
            (kind, key, json.dumps(record, ensure_ascii=False, separators=(",", ":"))),
        )
        self._schedule_commit()

    def delete(self, kind: str, key: str) -> None:
        self._db.execute("DELETE FROM records WHERE kind = ? AND key = ?", (kind, key))
        self._schedule_commit()

    def clear(self, kinds: list[str]) -> None:
        self._db.executemany("DELETE FROM records WHERE kind = ?", [(k,) for k in kinds])
        if "file" in kinds:
            self._db.execute("DELETE FROM blobs")
        self.flush()

    def put_blob(self, key: str, data: bytes) -> None:
        self._db.execute("INSERT OR REPLACE INTO blobs (key, data) VALUES (?, ?)", (key, data))
        self._schedule_commit()

    def get_blob(self, key: str) -> bytes | None:
        row = self._db.execute("SELECT data FROM blobs WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def flush(self) -> None:
        self._commit_scheduled = False
        self._db.commit()

    def close(self) -> None:
        self.flush()
        self._db.close()

    def _schedule_commit(self) -> None:
        if self._commit_scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._db.commit()
            return
        self._commit_scheduled = True
        loop.call_soon(self._commit_soon)

    def _commit_soon(self) -> None:
        if self._commit_scheduled:
            try:
                self.flush()
            except sqlite3.ProgrammingError:  # closed meanwhile: close() already committed
                log.debug("sandbox.store.closed_before_commit")


def open_store(state_file: Path | None) -> Store:
    return SqliteStore(state_file) if state_file is not None else MemoryStore()
