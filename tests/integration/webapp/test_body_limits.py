"""Request bodies are capped per path before they are read: 413 with {"code": "ERR_BODY_TOO_LARGE"}, whether the size
is declared (Content-Length) or only streamed (chunked), and nothing of the request is acted on."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI, Request
from sqlalchemy import func, select

from core.queue.models import InboxUpdate
from core.runtime import Runtime
from tests.conftest import TEST_BOT_TOKEN
from tests.fakes.initdata import tma_header

SECRET = {"X-Telegram-Bot-Api-Secret-Token": "hook-secret"}
MB = 1024 * 1024


class Chunks:
    """A chunked body of `total` bytes in 64 KB pieces that counts how much of it the server pulled."""

    def __init__(self, total: int, prefix: bytes = b"") -> None:
        self.total = total
        self.prefix = prefix
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.prefix
        while self.pulled < self.total:
            self.pulled += 64 * 1024
            yield b" " * (64 * 1024)


def assert_too_large(r: httpx.Response) -> None:
    assert r.status_code == 413
    assert r.json()["code"] == "ERR_BODY_TOO_LARGE" and r.json()["message"]


async def inbox_count(runtime: Runtime) -> int:
    async with runtime.session_factory() as s:
        return int(await s.scalar(select(func.count()).select_from(InboxUpdate)) or 0)


class TestAuthExchange:
    async def test_a_declared_200_mb_body_is_refused_unread(self, client: httpx.AsyncClient) -> None:
        body = Chunks(200 * MB)
        r = await client.post("/auth/exchange", content=body,
                              headers={"content-type": "application/json", "content-length": str(200 * MB)})
        assert_too_large(r)
        assert body.pulled == 0

    async def test_a_streamed_200_mb_body_is_cut_off_at_the_limit(self, client: httpx.AsyncClient) -> None:
        body = Chunks(200 * MB, prefix=b'{"static_token": "')
        r = await client.post("/auth/exchange", content=body, headers={"content-type": "application/json"})
        assert_too_large(r)
        assert body.pulled <= 512 * 1024  # the API limit (256 KB) and one chunk, not 200 MB

    async def test_a_small_body_still_reaches_the_endpoint(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/auth/exchange", json={"static_token": "st_unknown-token"})
        assert r.status_code == 401 and r.json()["code"] == "ERR_UNAUTHORIZED"


class TestWebhook:
    async def test_a_10_mb_update_is_refused_and_not_stored(self, client: httpx.AsyncClient,
                                                           runtime: Runtime) -> None:
        update = {"update_id": 1, "message": {"message_id": 1, "date": 1, "text": "x" * (10 * MB),
                                              "chat": {"id": 42, "type": "private"}}}
        r = await client.post("/telegram/webhook", json=update, headers=SECRET)
        assert_too_large(r)
        assert await inbox_count(runtime) == 0

    async def test_a_streamed_oversized_update_is_refused(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        body = Chunks(10 * MB, prefix=b'{"update_id": 1, "message": {"text": "')
        r = await client.post("/telegram/webhook", content=body, headers={**SECRET, "content-type": "application/json"})
        assert_too_large(r)
        assert body.pulled <= 2 * MB and await inbox_count(runtime) == 0

    async def test_an_update_of_half_a_megabyte_is_stored(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        update = {"update_id": 1, "message": {"message_id": 1, "date": 1, "text": "x" * (MB // 2),
                                              "chat": {"id": 42, "type": "private"}}}
        r = await client.post("/telegram/webhook", json=update, headers=SECRET)
        assert r.status_code == 200 and await inbox_count(runtime) == 1


class TestMinisImport:
    async def test_keeps_its_own_limit_and_code(self, client: httpx.AsyncClient) -> None:
        body = json.dumps({"version": 1, "types": [], "pad": "x" * (2 * MB)}).encode()
        r = await client.post("/api/v1/import", content=body,
                              headers={**tma_header(TEST_BOT_TOKEN, 5), "content-type": "application/json"})
        assert r.json()["code"] == "ERR_IMPORT_TOO_LARGE"  # its own answer (400), not ERR_BODY_TOO_LARGE

    async def test_a_body_above_the_api_limit_but_within_its_own_is_read(self, client: httpx.AsyncClient) -> None:
        body = json.dumps({"version": 1, "types": [], "pad": "x" * (512 * 1024)}).encode()
        r = await client.post("/api/v1/import", content=body,
                              headers={**tma_header(TEST_BOT_TOKEN, 5), "content-type": "application/json"})
        assert r.status_code == 200 and r.json()["imported_types"] == 0


class TestMountedApps:
    async def test_a_mounted_app_keeps_its_own_rules(self, web_app: FastAPI, client: httpx.AsyncClient) -> None:
        mounted = FastAPI()

        @mounted.post("/upload")
        async def upload(request: Request) -> dict[str, int]:
            return {"bytes": len(await request.body())}

        web_app.mount("/sandbox", mounted)  # after create_app, as secretary.web mounts the sandbox
        r = await client.post("/sandbox/upload", content=b"x" * (2 * MB))
        assert r.status_code == 200 and r.json() == {"bytes": 2 * MB}
