"""With STORAGE_BACKEND=s3 a journal photo and its thumbnail are kept in the bucket (a real S3 protocol server on
127.0.0.1), read back through the API, and deleted from it with the attachment; nothing touches DATA_DIR/journal.
A bucket that fails is a 503 with its code."""

from __future__ import annotations

import hashlib
import io

import httpx
from journal_helpers import SignIn, create
from PIL import Image
from receipt_images import EN_RECEIPT, receipt_png

from core.runtime import Runtime
from tests.support.s3 import S3Server

ALICE = 6301


class TestPhotoInS3:
    async def test_a_photo_and_its_thumbnail_live_in_the_bucket(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                                runtime: Runtime, s3_server: S3Server,
                                                                s3_bucket: str) -> None:
        runtime.settings = runtime.settings.model_copy(update=s3_server.settings(s3_bucket, prefix="prod"))
        alice = await sign_in(ALICE)
        photo = receipt_png(EN_RECEIPT)
        r = await api.post("/api/v1/attachments", files={"file": ("receipt.png", photo, "image/png")}, headers=alice)
        assert r.status_code == 201 and r.json()["hasThumb"] is True, r.text
        attachment_id = r.json()["id"]
        digest = hashlib.sha256(photo).hexdigest()
        key, thumb_key = f"prod/journal/{ALICE}/{digest}.png", f"prod/journal/{ALICE}/{digest}.thumb.jpg"
        assert s3_server.keys(s3_bucket) == {key, thumb_key}
        assert s3_server.object(s3_bucket, key) == photo
        assert not (runtime.settings.data_dir / "journal").exists()

        original = await api.get(f"/api/v1/attachments/{attachment_id}", headers=alice)
        assert (original.status_code, original.content, original.headers["content-type"]) == (200, photo,
                                                                                              "image/png")
        thumb = await api.get(f"/api/v1/attachments/{attachment_id}/thumb", headers=alice)
        assert thumb.status_code == 200 and thumb.content == s3_server.object(s3_bucket, thumb_key)
        with Image.open(io.BytesIO(thumb.content)) as image:
            assert image.format == "JPEG" and max(image.size) == 320

        entry = await create(api, alice, amount=7.75)
        r = await api.put(f"/api/v1/entries/{entry['id']}/attachments/{attachment_id}", headers=alice)
        assert r.status_code == 200 and [a["id"] for a in r.json()["attachments"]] == [attachment_id]
        assert (await api.delete(f"/api/v1/attachments/{attachment_id}", headers=alice)).status_code == 204
        assert s3_server.keys(s3_bucket) == set()
        assert (await api.get(f"/api/v1/attachments/{attachment_id}", headers=alice)).status_code == 404

    async def test_a_bucket_that_fails_is_503_with_the_code(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                            runtime: Runtime, s3_server: S3Server) -> None:
        runtime.settings = runtime.settings.model_copy(update=s3_server.settings("no-such-bucket-here"))
        alice = await sign_in(ALICE, language="ru")
        r = await api.post("/api/v1/attachments", files={"file": ("receipt.png", receipt_png(EN_RECEIPT),
                                                                  "image/png")}, headers=alice)
        assert (r.status_code, r.json()["code"]) == (503, "ERR_STORAGE_UNAVAILABLE")
        assert r.json()["message"] == "Хранилище файлов сейчас недоступно. Попробуйте через несколько минут."
        assert (await api.get("/api/v1/entries?hasAttachments=true", headers=alice)).json()["items"] == []
