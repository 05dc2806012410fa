"""POST /api/v1/files/upload and GET /files/{id}: a file is checked at once, read by a job with progress, kept per
user; whatever cannot be read is refused with its code and leaves nothing behind."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from core.documents.models import DocFile, FileBlock, FilePage
from core.runtime import Runtime
from tests.integration.documents.conftest import ready_file, upload
from tests.support.documents import FACTS, TABLE_PAGE, facts_pdf


async def _count(runtime: Runtime, model: type) -> int:
    async with runtime.read_only() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


class TestUpload:
    async def test_a_pdf_is_read_page_by_page_and_becomes_ready(self, client: httpx.AsyncClient,
                                                                runtime: Runtime) -> None:
        response = await upload(client, facts_pdf())
        assert response.status_code == 201
        body = response.json()
        assert body["name"] == "Устав.pdf" and body["kind"] == "pdf" and body["pages"] == 5
        assert body["status"] in ("processing", "ready")
        file = await ready_file(client, facts_pdf(), "again.pdf")
        assert file["pages_done"] == 5 and file["scanned_pages"] == 0
        async with runtime.read_only() as session:
            pages = (await session.scalars(select(FilePage).where(FilePage.file_id == file["id"])
                                           .order_by(FilePage.number))).all()
            blocks = (await session.scalars(select(FileBlock).where(FileBlock.file_id == file["id"]))).all()
        assert [p.number for p in pages] == [1, 2, 3, 4, 5]
        assert FACTS[2][0] in pages[1].text
        assert {b.page for b in blocks if b.kind == "table"} == {TABLE_PAGE}

    async def test_the_file_can_be_downloaded_as_uploaded(self, client: httpx.AsyncClient) -> None:
        data = b"# Warranty\n\nPumps: 24 months.\n"
        file = await ready_file(client, data, "notes.md")
        response = await client.get(file["download_url"])
        assert response.status_code == 200 and response.content == data

    async def test_another_users_file_is_not_found(self, client: httpx.AsyncClient, bob: httpx.AsyncClient) -> None:
        file = (await upload(client, facts_pdf())).json()
        for path in (f"/api/v1/files/{file['id']}", f"/api/v1/files/{file['id']}/content"):
            response = await bob.get(path)
            assert (response.status_code, response.json()["code"]) == (404, "ERR_DOC_NOT_FOUND")


class TestRefusals:
    async def _refused(self, client: httpx.AsyncClient, runtime: Runtime, data: bytes, name: str, mime: str,
                       status: int, code: str) -> None:
        response = await upload(client, data, name, mime)
        assert (response.status_code, response.json()["code"]) == (status, code), response.text
        assert response.json()["message"]
        assert await _count(runtime, DocFile) == 0  # nothing half-saved
        assert not list((runtime.settings.data_dir / "documents").rglob("*.*"))

    async def test_an_empty_file(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        await self._refused(client, runtime, b"", "empty.pdf", "application/pdf", 400, "ERR_DOC_EMPTY")

    async def test_an_unsupported_type(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        await self._refused(client, runtime, b"PK\x03\x04 zip", "report.docx", "application/octet-stream", 400,
                            "ERR_DOC_UNSUPPORTED")

    async def test_a_password_protected_pdf(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        await self._refused(client, runtime, facts_pdf(password="s3cret"), "secret.pdf", "application/pdf", 400,
                            "ERR_DOC_ENCRYPTED")

    async def test_a_broken_pdf(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        await self._refused(client, runtime, facts_pdf()[:3000], "cut.pdf", "application/pdf", 400, "ERR_DOC_BROKEN")

    async def test_too_many_pages(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        runtime.settings = runtime.settings.model_copy(update={"documents_max_pages": 4})
        await self._refused(client, runtime, facts_pdf(), "long.pdf", "application/pdf", 400,
                            "ERR_DOC_TOO_MANY_PAGES")

    async def test_an_oversized_file(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        runtime.settings = runtime.settings.model_copy(update={"documents_max_bytes": 2000})
        await self._refused(client, runtime, b"# big\n\n" + b"x" * 3000, "big.md", "text/markdown", 413,
                            "ERR_DOC_TOO_LARGE")

    async def test_a_body_beyond_the_routes_limit_is_refused_before_it_is_read(self, client: httpx.AsyncClient,
                                                                              runtime: Runtime) -> None:
        limit = runtime.settings.documents_max_bytes
        response = await upload(client, b"x" * (limit + 100 * 1024), "huge.md", "text/markdown")
        assert (response.status_code, response.json()["code"]) == (413, "ERR_BODY_TOO_LARGE")
        assert await _count(runtime, DocFile) == 0
