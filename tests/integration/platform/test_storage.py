"""core.storage: the local folder and the S3-compatible bucket (a real S3 protocol server on 127.0.0.1, the real boto3)
behave alike — put/get/replace, a missing key, delete, keys that would leave their area —, a bucket that fails is
StorageUnavailable (503), and STORAGE_BACKEND picks."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.config import Settings
from core.storage import LocalStorage, S3Storage, Storage, StorageUnavailable, storage_for
from tests.support.s3 import S3Server

Make = Callable[[], Storage]


@pytest.fixture(params=["local", "s3"])
def make_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Make:
    """``make_storage()``: a storage of the area "documents", in a folder or in a new bucket."""
    base = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    if request.param == "local":
        return lambda: storage_for(base, "documents")
    server: S3Server = request.getfixturevalue("s3_server")
    bucket = server.new_bucket()
    return lambda: storage_for(base.model_copy(update=server.settings(bucket)), "documents")


class TestSameBehaviour:
    async def test_what_is_put_is_read_back_and_a_second_put_replaces_it(self, make_storage: Make) -> None:
        storage = make_storage()
        await storage.put("7/abc.pdf", b"%PDF-1 first")
        assert await storage.get("7/abc.pdf") == b"%PDF-1 first"
        await storage.put("7/abc.pdf", b"second")
        assert await storage.get("7/abc.pdf") == b"second"
        assert await make_storage().get("7/abc.pdf") == b"second"  # another instance, same place

    async def test_a_missing_key_is_file_not_found(self, make_storage: Make) -> None:
        with pytest.raises(FileNotFoundError):
            await make_storage().get("7/none.pdf")

    async def test_delete_removes_and_a_missing_key_is_no_error(self, make_storage: Make) -> None:
        storage = make_storage()
        await storage.put("7/a.jpg", b"a")
        await storage.put("7/b.jpg", b"b")
        await storage.delete("7/a.jpg")
        await storage.delete("7/a.jpg")
        await storage.delete("8/never.jpg")
        with pytest.raises(FileNotFoundError):
            await storage.get("7/a.jpg")
        assert await storage.get("7/b.jpg") == b"b"

    @pytest.mark.parametrize("key", ["../other/x.pdf", "7/../../x.pdf", "/etc/passwd"])
    async def test_a_key_leaving_the_area_is_refused(self, make_storage: Make, key: str) -> None:
        storage = make_storage()
        with pytest.raises(ValueError, match="outside"):
            await storage.put(key, b"x")
        with pytest.raises(ValueError, match="outside"):
            await storage.get(key)


class TestS3Placement:
    async def test_objects_land_under_prefix_and_area(self, s3_server: S3Server, s3_bucket: str,
                                                      tmp_path: Path) -> None:
        settings = Settings(_env_file=None, data_dir=tmp_path,  # type: ignore[call-arg]
                            **s3_server.settings(s3_bucket, prefix="/team-a/"))
        await storage_for(settings, "journal").put("7/abc.jpg", b"photo")
        await storage_for(settings, "documents").put("7/abc.pdf", b"pdf")
        assert s3_server.keys(s3_bucket) == {"team-a/journal/7/abc.jpg", "team-a/documents/7/abc.pdf"}
        assert s3_server.object(s3_bucket, "team-a/journal/7/abc.jpg") == b"photo"
        assert not (tmp_path / "journal").exists() and not (tmp_path / "documents").exists()  # nothing on the disk

    async def test_without_a_prefix_the_area_is_the_top_folder(self, s3_server: S3Server, s3_bucket: str,
                                                               tmp_path: Path) -> None:
        settings = Settings(_env_file=None, data_dir=tmp_path, **s3_server.settings(s3_bucket))  # type: ignore[call-arg]
        storage = storage_for(settings, "journal")
        assert isinstance(storage, S3Storage)
        await storage.put("7/abc.jpg", b"photo")
        assert s3_server.keys(s3_bucket) == {"journal/7/abc.jpg"}

    async def test_a_bucket_that_does_not_exist_is_unavailable_not_a_missing_file(self, s3_server: S3Server,
                                                                                 tmp_path: Path) -> None:
        settings = Settings(_env_file=None, data_dir=tmp_path,  # type: ignore[call-arg]
                            **s3_server.settings("no-such-bucket-here"))
        storage = storage_for(settings, "journal")
        for call in (storage.get("7/abc.jpg"), storage.put("7/abc.jpg", b"x")):
            with pytest.raises(StorageUnavailable) as raised:
                await call
            assert (raised.value.status_code, raised.value.code) == (503, "ERR_STORAGE_UNAVAILABLE")
            assert "NoSuchBucket" in str(raised.value.__cause__)

    async def test_a_server_that_cannot_be_reached_is_unavailable(self) -> None:
        import boto3
        from botocore.config import Config

        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        client = boto3.session.Session().client(
            "s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", aws_access_key_id="k",
            aws_secret_access_key="s", config=Config(retries={"max_attempts": 1}, connect_timeout=2))
        with pytest.raises(StorageUnavailable):
            await S3Storage(client, "bucket").get("7/abc.jpg")


class TestSettings:
    def test_local_is_the_default(self, tmp_path: Path) -> None:
        storage = storage_for(Settings(_env_file=None, data_dir=tmp_path), "journal")  # type: ignore[call-arg]
        assert isinstance(storage, LocalStorage) and storage.root == tmp_path / "journal"

    def test_s3_without_a_bucket_fails_at_start_without_echoing_the_secret(self) -> None:
        with pytest.raises(ValidationError, match="STORAGE_BACKEND=s3 needs S3_BUCKET") as raised:
            Settings(_env_file=None, storage_backend="s3", s3_secret_access_key="very-secret")  # type: ignore[call-arg]
        assert "very-secret" not in str(raised.value)

    def test_the_secret_key_is_never_shown(self, s3_server: S3Server) -> None:
        settings = Settings(_env_file=None, **s3_server.settings("b"))  # type: ignore[call-arg]
        assert "test-secret-key" not in repr(settings) and "test-secret-key" not in str(settings)

    def test_a_process_storing_locally_never_loads_boto3(self, tmp_path: Path) -> None:
        code = ("import sys; from core.config import Settings; from core.documents.storage import storage_for as d; "
                "from core.journal.attachments import storage_for as j; "
                f"s = Settings(_env_file=None, data_dir={str(tmp_path)!r}); d(s); j(s); "
                "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 loaded'")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
