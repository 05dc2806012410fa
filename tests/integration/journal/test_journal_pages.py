"""A link → a journal draft: the page is fetched safely (a local page server reached through JOURNAL_FETCH_ALLOW) and
read with trafilatura and the page's OpenGraph/JSON-LD; every address that is not public is refused, before and after
a redirect, and so are other schemes, pages that are too large and what is not HTML."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from page_server import PRODUCT, PageServer

from core.ai.local_provider import LocalProvider
from core.config import Settings
from core.journal import pages
from core.journal.errors import JournalError

DAY = dt.date(2025, 3, 14)


def allowing(settings: Settings, *hosts: str) -> Settings:
    return settings.model_copy(update={"journal_fetch_allow": list(hosts)})


async def refused_code(url: str, settings: Settings) -> str:
    with pytest.raises(JournalError) as caught:
        await pages.drafts_from_url(LocalProvider(), url, settings=settings, language="ru", day=DAY)
    return caught.value.code


class TestReadingAPage:
    async def test_a_product_page_proposes_its_title_price_and_link(self, page_server: PageServer,
                                                                    settings: Settings) -> None:
        url = f"{page_server.base}/product"
        [draft] = await pages.drafts_from_url(LocalProvider(), url, settings=allowing(settings, "127.0.0.1"),
                                              language="ru", day=DAY)
        assert (draft["action"], draft["object"], draft["status"]) == ("bought", "product", "done")
        assert (draft["title"], draft["amount"], draft["currency"]) == ("Кофеварка Aroma 3000", 4990.0, "RUB")
        assert draft["note"] == "Рожковая кофеварка для эспрессо и капучино"
        assert draft["extras"] == {"url": url} and draft["date"] == DAY.isoformat()
        assert draft["place"] == "Shop Example"

    async def test_an_event_page_is_planned_on_its_day_at_its_venue(self, page_server: PageServer,
                                                                    settings: Settings) -> None:
        [draft] = await pages.drafts_from_url(LocalProvider(), f"{page_server.base}/event", language="en", day=DAY,
                                              settings=allowing(settings, f"127.0.0.1:{page_server.port}"))
        assert (draft["action"], draft["object"], draft["status"]) == ("visited", "event", "planned")
        assert (draft["title"], draft["place"], draft["date"], draft["amount"]) == (
            "Jazz night", "Blue Note Club", "2025-04-02", None)

    async def test_the_checked_address_is_connected_to_with_the_host_name_kept(
            self, page_server: PageServer, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
        lookups: list[str] = []

        async def fake_dns(host: str, port: int) -> list[pages.IPAddress]:
            lookups.append(host)
            return [ipaddress.ip_address("127.0.0.1")]

        monkeypatch.setattr(pages, "resolve", fake_dns)
        url = f"http://shop.example:{page_server.port}/product"  # no real DNS knows this name
        [draft] = await pages.drafts_from_url(LocalProvider(), url, language="ru", day=DAY,
                                              settings=allowing(settings, f"shop.example:{page_server.port}"))
        assert draft["amount"] == 4990.0
        assert lookups == ["shop.example"] and page_server.hosts == [f"shop.example:{page_server.port}"]

    async def test_a_redirect_within_the_allowed_host_is_followed(self, page_server: PageServer,
                                                                  settings: Settings) -> None:
        url = f"{page_server.base}/redirect?to=/product"
        [draft] = await pages.drafts_from_url(LocalProvider(), url, settings=allowing(settings, "127.0.0.1"),
                                              language="ru", day=DAY)
        assert draft["extras"] == {"url": f"{page_server.base}/product"} and len(page_server.hosts) == 2


class TestRefused:
    @pytest.mark.parametrize("url", [
        "http://127.0.0.1/", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
        "http://192.168.1.1/admin", "http://0.0.0.0/", "http://224.0.0.1/", "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/", "http://[64:ff9b::a00:1]/", "http://100.64.0.1/", "http://240.0.0.1/", "http://localhost/",
        "file:///etc/passwd", "gopher://example.com/", "ftp://example.com/x", "http://user:pw@example.com/",
    ])
    async def test_what_is_not_a_public_http_page_is_refused_before_any_connection(
            self, url: str, settings: Settings) -> None:
        assert await refused_code(url, settings) == "ERR_JOURNAL_URL_REFUSED"

    async def test_the_local_server_itself_is_refused_without_the_allow_list(self, page_server: PageServer,
                                                                             settings: Settings) -> None:
        assert await refused_code(f"{page_server.base}/product", settings) == "ERR_JOURNAL_URL_REFUSED"
        assert page_server.hosts == []

    @pytest.mark.parametrize("answers", [["10.0.0.7"], ["93.184.216.34", "127.0.0.1"], ["fd00::1"]])
    async def test_a_host_that_resolves_to_a_private_address_is_refused(
            self, answers: list[str], settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
        async def fake_dns(host: str, port: int) -> list[pages.IPAddress]:
            return [ipaddress.ip_address(a) for a in answers]

        monkeypatch.setattr(pages, "resolve", fake_dns)
        assert await refused_code("https://intranet.example/wiki", settings) == "ERR_JOURNAL_URL_REFUSED"

    @pytest.mark.parametrize("target", ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
                                        "http://[::1]:8080/", "file:///etc/passwd"])
    async def test_a_redirect_to_a_private_address_is_refused(self, target: str, page_server: PageServer,
                                                              settings: Settings) -> None:
        url = f"{page_server.base}/redirect?to={target}"
        assert await refused_code(url, allowing(settings, "127.0.0.1")) == "ERR_JOURNAL_URL_REFUSED"
        assert len(page_server.hosts) == 1

    async def test_a_redirect_to_a_host_resolving_privately_is_refused(
            self, page_server: PageServer, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
        real = pages.resolve

        async def fake_dns(host: str, port: int) -> list[pages.IPAddress]:
            return [ipaddress.ip_address("10.1.2.3")] if host == "evil.example" else await real(host, port)

        monkeypatch.setattr(pages, "resolve", fake_dns)
        url = f"{page_server.base}/redirect?to=http://evil.example/"
        assert await refused_code(url, allowing(settings, "127.0.0.1")) == "ERR_JOURNAL_URL_REFUSED"

    async def test_more_than_five_redirects_are_not_followed(self, page_server: PageServer,
                                                             settings: Settings) -> None:
        code = await refused_code(f"{page_server.base}/loop", allowing(settings, "127.0.0.1"))
        assert code == "ERR_JOURNAL_URL_TOO_MANY_REDIRECTS" and len(page_server.hosts) == 6

    @pytest.mark.parametrize("query", ["", "?declared=1"])
    async def test_a_page_over_two_megabytes_is_too_large(self, query: str, page_server: PageServer,
                                                          settings: Settings) -> None:
        code = await refused_code(f"{page_server.base}/big{query}", allowing(settings, "127.0.0.1"))
        assert code == "ERR_JOURNAL_URL_TOO_LARGE"

    async def test_what_is_not_html_is_refused(self, page_server: PageServer, settings: Settings) -> None:
        code = await refused_code(f"{page_server.base}/file.pdf", allowing(settings, "127.0.0.1"))
        assert code == "ERR_JOURNAL_URL_NOT_HTML"

    async def test_a_missing_page_and_a_closed_port_are_unreachable(self, page_server: PageServer,
                                                                    settings: Settings) -> None:
        allowed = allowing(settings, "127.0.0.1")
        assert await refused_code(f"{page_server.base}/nothing-here", allowed) == "ERR_JOURNAL_URL_UNREACHABLE"
        assert await refused_code("http://127.0.0.1:9/", allowed) == "ERR_JOURNAL_URL_UNREACHABLE"

    @pytest.mark.parametrize("url", ["", "not a link at all", "http://", "https://exa mple.com/"])
    async def test_what_is_not_a_link_is_a_bad_link(self, url: str, settings: Settings) -> None:
        assert await refused_code(url, settings) == "ERR_JOURNAL_URL_BAD"


def certificate_for(host: str, tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``host`` (a name only, no IP address) and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class TestHttps:
    async def test_https_connects_to_the_checked_address_with_the_host_name_in_sni_and_the_certificate_check(
            self, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        cert, key = certificate_for("shop.example", tmp_path)
        served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        served.load_cert_chain(cert, key)
        names: list[str | None] = []
        served.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,func-returns-value]

        async def product(request: web.Request) -> web.Response:
            return web.Response(text=PRODUCT, content_type="text/html")

        app = web.Application()
        app.router.add_get("/product", product)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=served)
        await site.start()
        port = runner.addresses[0][1]

        async def fake_dns(host: str, port: int) -> list[pages.IPAddress]:
            return [ipaddress.ip_address("127.0.0.1")]

        trusted = ssl.create_default_context(cafile=str(cert))
        monkeypatch.setattr(pages, "resolve", fake_dns)
        monkeypatch.setattr(pages, "tls_context", lambda: trusted)
        try:
            [draft] = await pages.drafts_from_url(LocalProvider(), f"https://shop.example:{port}/product",
                                                  settings=allowing(settings, f"shop.example:{port}"),
                                                  language="ru", day=DAY)
        finally:
            await runner.cleanup()
        assert draft["amount"] == 4990.0 and names == ["shop.example"]
