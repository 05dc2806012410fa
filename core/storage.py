"""Where uploaded files' bytes live: a storage interface, a local folder (under DATA_DIR) behind it by default, and
an S3-compatible bucket (AWS S3, MinIO, …) when STORAGE_BACKEND=s3.

An app names its area (``storage_for(settings, "journal")``): the folder ``DATA_DIR/journal``, or the keys
``S3_PREFIX/journal/…`` in S3_BUCKET. Keys are relative paths the app makes from ids and hashes, never from a user's
file name. Both storages behave alike: ``get`` of a missing key raises FileNotFoundError, ``delete`` of one does
nothing, a key that would leave the area (``../x``, ``/x``) is refused with ValueError. A bucket that cannot be
reached or refuses (down, wrong endpoint, bucket or credentials) is StorageUnavailable: 503 with its code, and a job
that meets it is retried. boto3 is imported only by a process that stores in S3 (docs/performance.md "Start and
memory")."""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import structlog

from core.config import Settings
from core.errors import DomainError

S3_CONNECT_TIMEOUT = 10.0  # seconds
S3_READ_TIMEOUT = 60.0
S3_MAX_ATTEMPTS = 3  # botocore's "standard" retries: throttling, 5xx and broken connections

log = structlog.get_logger(__name__)
T = TypeVar("T")


class StorageUnavailable(DomainError):
    status_code = 503

    def __init__(self) -> None:
        super().__init__("ERR_STORAGE_UNAVAILABLE", "the file storage is unavailable; try again later")


class Storage(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...


def storage_for(settings: Settings, area: str) -> Storage:
    """The storage of one app's files (``area``: "documents", "journal"), as the settings choose."""
    if settings.storage_backend == "s3":
        return S3Storage(_s3_client(settings), settings.s3_bucket, prefix=f"{settings.s3_prefix.strip('/')}/{area}")
    return LocalStorage(settings.data_dir / area)


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


class S3Storage:
    """Objects in a bucket under a prefix (``secretary/journal`` + ``/`` + key). A PUT replaces an object whole, so a
    reader never sees half a file. ``client`` is a boto3 S3 client (thread-safe; its calls run in threads)."""

    def __init__(self, client: Any, bucket: str, *, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def _key(self, key: str) -> str:
        parts = key.split("/")
        if not key or key.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise ValueError("storage key outside the storage folder")
        return f"{self.prefix}/{key}" if self.prefix else key

    async def put(self, key: str, data: bytes) -> None:
        name = self._key(key)
        await asyncio.to_thread(self._call, "put", self.client.put_object, Bucket=self.bucket, Key=name, Body=data)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._call, "get", self._read, self._key(key))

    def _read(self, name: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=name)
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(name) from None
        body = answer["Body"]
        try:
            data: bytes = body.read()
        finally:
            body.close()
        return data

    async def delete(self, key: str) -> None:
        # S3 answers a DELETE of a missing object with success, as LocalStorage's unlink(missing_ok=True) does
        await asyncio.to_thread(self._call, "delete", self.client.delete_object, Bucket=self.bucket,
                                Key=self._key(key))

    def _call(self, operation: str, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``call``, with what botocore raises for an unreachable or refusing server made StorageUnavailable (logged:
        the operation, the bucket and the S3 error's code and text, never a credential)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return call(*args, **kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            log.warning("storage.s3_failed", operation=operation, bucket=self.bucket, code=error.get("Code", ""),
                        error=error.get("Message", ""))
            raise StorageUnavailable() from exc
        except BotoCoreError as exc:
            log.warning("storage.s3_failed", operation=operation, bucket=self.bucket, code=type(exc).__name__,
                        error=str(exc))
            raise StorageUnavailable() from exc


_clients: dict[tuple[str, str, str, str], Any] = {}
_clients_lock = threading.Lock()


def _s3_client(settings: Settings) -> Any:
    """One boto3 client per process and configuration (making one costs milliseconds and loads the service model);
    boto3 clients are safe to share between threads. No access key set: boto3's own chain (AWS_* variables, the
    instance's role) supplies the credentials."""
    secret = settings.s3_secret_access_key.get_secret_value()
    wanted = (settings.s3_endpoint_url, settings.s3_region, settings.s3_access_key_id, secret)
    with _clients_lock:
        client = _clients.get(wanted)
        if client is None:
            import boto3  # here, not at the top: a process storing in a local folder never loads it
            from botocore.config import Config

            config = Config(connect_timeout=S3_CONNECT_TIMEOUT, read_timeout=S3_READ_TIMEOUT,
                            retries={"max_attempts": S3_MAX_ATTEMPTS, "mode": "standard"},
                            # MinIO and most other S3-compatibles serve buckets as paths, not as host names
                            s3={"addressing_style": "path" if settings.s3_endpoint_url else "auto"})
            client = boto3.session.Session().client(
                "s3", endpoint_url=settings.s3_endpoint_url or None, region_name=settings.s3_region or None,
                aws_access_key_id=settings.s3_access_key_id or None, aws_secret_access_key=secret or None,
                config=config)
            _clients[wanted] = client
    return client
