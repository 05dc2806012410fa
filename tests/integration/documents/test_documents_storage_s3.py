"""With STORAGE_BACKEND=s3 an uploaded document is kept in the bucket (a real S3 protocol server on 127.0.0.1): the
ingest job reads it from there, it downloads as uploaded, its pages render from it; nothing touches DATA_DIR."""

from __future__ import annotations

import hashlib
import io

import httpx
from PIL import Image
from sqlalchemy import select

from core.documents.jobs import FileImages
from core.documents.models import DocFile
from core.runtime import Runtime
from tests.integration.documents.conftest import ALICE, ready_file
from tests.support.documents import facts_pdf
from tests.support.s3 import S3Server


class TestDocumentInS3:
    async def test_an_uploaded_pdf_lives_in_the_bucket_and_is_read_from_it(
            self, client: httpx.AsyncClient, runtime: Runtime, s3_server: S3Server, s3_bucket: str) -> None:
        runtime.settings = runtime.settings.model_copy(update=s3_server.settings(s3_bucket))
        data = facts_pdf()
        file = await ready_file(client, data, "Устав.pdf")  # the ingest job read it back from the bucket
        assert file["pages_done"] == 5
        key = f"documents/{ALICE}/{hashlib.sha256(data).hexdigest()}.pdf"
        assert s3_server.keys(s3_bucket) == {key}
        assert s3_server.object(s3_bucket, key) == data
        assert not (runtime.settings.data_dir / "documents").exists()

        response = await client.get(file["download_url"])
        assert response.status_code == 200 and response.content == data

        async with runtime.read_only() as session:
            row = await session.scalar(select(DocFile).where(DocFile.id == file["id"]))
        assert row is not None
        page = await FileImages(runtime.settings, {row.id: row}).page(row.id, 2)
        assert page is not None
        with Image.open(io.BytesIO(page)) as image:
            assert image.format == "PNG" and image.width > 100
