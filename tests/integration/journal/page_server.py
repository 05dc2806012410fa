"""A local page server for the journal's link tests: a product page, an event page, redirects, a page too large, a
file that is not HTML. Reached through JOURNAL_FETCH_ALLOW only (127.0.0.1 is refused otherwise)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

PRODUCT = """<!doctype html><html><head><title>Кофеварка — магазин</title>
<meta property="og:title" content="Кофеварка Aroma 3000">
<meta property="og:description" content="Рожковая кофеварка для эспрессо и капучино">
<meta property="og:image" content="https://shop.example/aroma.jpg"><meta property="og:type" content="product">
<meta property="og:site_name" content="Shop Example">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product", "name": "Aroma 3000",
 "offers": {"@type": "Offer", "price": "4990.00", "priceCurrency": "RUB"}}</script></head>
<body><article><h1>Кофеварка Aroma 3000</h1><p>Рожковая кофеварка с паровым краном: эспрессо, капучино и латте
дома. Давление 15 бар, мощность 1450 Вт, съёмный резервуар для воды на полтора литра.</p></article></body></html>"""
EVENT = """<!doctype html><html><head><title>Jazz night</title>
<script type="application/ld+json">[{"@context": "https://schema.org", "@type": "MusicEvent", "name": "Jazz night",
 "startDate": "2025-04-02T19:00", "location": {"@type": "Place", "name": "Blue Note Club"}}]</script></head>
<body><p>An evening of jazz standards with a quartet.</p></body></html>"""


@dataclass
class PageServer:
    port: int = 0
    hosts: list[str] = field(default_factory=list)  # the Host header of every request, in order

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
async def page_server() -> AsyncIterator[PageServer]:
    server = PageServer()

    def seen(request: web.Request) -> None:
        server.hosts.append(request.headers.get("Host", ""))

    async def product(request: web.Request) -> web.Response:
        seen(request)
        return web.Response(text=PRODUCT, content_type="text/html", charset="utf-8")

    async def event(request: web.Request) -> web.Response:
        seen(request)
        return web.Response(text=EVENT, content_type="text/html", charset="utf-8")

    async def redirect(request: web.Request) -> web.Response:
        seen(request)
        raise web.HTTPFound(request.query["to"])

    async def loop(request: web.Request) -> web.Response:
        seen(request)
        raise web.HTTPFound(f"/loop?n={int(request.query.get('n', '0')) + 1}")

    async def big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        if request.query.get("declared"):
            response.content_length = 3 * 1024 * 1024
        await response.prepare(request)
        chunk = b"<p>" + b"x" * 65_536 + b"</p>"
        try:
            for _ in range(48):  # 3 MB, more than the 2 MB a page may have
                await response.write(chunk)
        except ConnectionError:  # the client hung up once it had enough: what the test wants
            pass
        return response

    async def pdf(request: web.Request) -> web.Response:
        return web.Response(body=b"%PDF-1.4 ...", content_type="application/pdf")

    app = web.Application()
    for path, handler in (("/product", product), ("/event", event), ("/redirect", redirect), ("/loop", loop),
                          ("/big", big), ("/file.pdf", pdf)):
        app.router.add_get(path, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.port = runner.addresses[0][1]
    yield server
    await runner.cleanup()
