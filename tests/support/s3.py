"""A real S3 protocol server on 127.0.0.1 (moto's server mode, talked to by the real boto3 over HTTP), started once per
test session, and a new bucket for each test that asks. moto and boto3 are imported only by a session that uses it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import SecretStr

REGION = "us-east-1"
ACCESS_KEY_ID = "test-access-key"
SECRET_ACCESS_KEY = "test-secret-key"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self) -> Any:
        import boto3

        return boto3.session.Session().client("s3", endpoint_url=self.endpoint_url, region_name=REGION,
                                              aws_access_key_id=ACCESS_KEY_ID,
                                              aws_secret_access_key=SECRET_ACCESS_KEY)

    def new_bucket(self) -> str:
        name = f"test-{uuid.uuid4().hex[:20]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> set[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return {item["Key"] for item in listed.get("Contents", [])}

    def object(self, bucket: str, key: str) -> bytes:
        data: bytes = self.client().get_object(Bucket=bucket, Key=key)["Body"].read()
        return data

    def settings(self, bucket: str, prefix: str = "") -> dict[str, Any]:
        """What turns a Settings object onto this server (``settings.model_copy(update=...)``)."""
        return {"storage_backend": "s3", "s3_bucket": bucket, "s3_endpoint_url": self.endpoint_url,
                "s3_region": REGION, "s3_access_key_id": ACCESS_KEY_ID,
                "s3_secret_access_key": SecretStr(SECRET_ACCESS_KEY), "s3_prefix": prefix}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield S3Server(f"http://{host}:{port}")
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> str:
    """A new, empty bucket on the session's server."""
    return s3_server.new_bucket()
