"""A link → journal drafts. The page is fetched safely and read with well-kept libraries, never with regexes over raw
HTML:

- http and https only; the host is resolved once, and refused when any of its addresses is loopback, private,
  link-local, multicast, reserved or otherwise not global (IPv4 and IPv6, IPv4-mapped IPv6 included);
- the connection goes to the address that was checked (no second DNS lookup), with the host name kept in the
  ``Host`` header and, for https, in the TLS SNI and the certificate check;
- every redirect is checked again, at most ``MAX_REDIRECTS`` of them; at most ``MAX_BYTES`` of body, ``TIMEOUT``
  seconds for the whole fetch, HTML only; no proxy from the environment (it would connect elsewhere);
- JOURNAL_FETCH_ALLOW names hosts (``host`` or ``host:port``) let through although not public: a test's local page
  server. Empty, the default, lets none through.

What a page says (title, description, image, main text, site) is read by trafilatura; its price, currency and kind
(product, place, event, article) by lxml from its OpenGraph ``<meta>`` tags and its JSON-LD (schema.org)."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import structlog
from lxml import etree
from lxml import html as lxml_html

from core.ai.provider import AIProvider
from core.config import Settings
from core.journal import reading
from core.journal.errors import JournalError
from core.journal.semantic import is_valid_semantic

log = structlog.get_logger(__name__)

MAX_REDIRECTS = 5
MAX_BYTES = 2 * 1024 * 1024
TIMEOUT = 10.0
MAX_URL = 2_000
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
USER_AGENT = "SecretaryBot/1.0 (+journal link preview)"
TEXT_FOR_MODEL = 1_500  # characters of the page's main text given to the provider

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _refused(reason: str) -> JournalError:
    return JournalError("ERR_JOURNAL_URL_REFUSED", f"the link is refused: {reason}")


def _unreachable(reason: str) -> JournalError:
    return JournalError("ERR_JOURNAL_URL_UNREACHABLE", f"the page could not be fetched: {reason}")


def is_public(address: IPAddress) -> bool:
    """Whether a connection to this address leaves the machine and its networks for the public internet."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in _NAT64:  # 64:ff9b::a.b.c.d reaches a.b.c.d
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not (address.is_loopback or address.is_private or address.is_link_local
                                      or address.is_multicast or address.is_reserved or address.is_unspecified)


def tls_context() -> ssl.SSLContext:
    """The certificates https pages are checked against (the system's; tests trust their own authority here)."""
    return ssl.create_default_context()


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (one lookup). Tests replace this function to fake the DNS."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


@dataclass(frozen=True)
class Target:
    """A checked URL: what to connect to (the address) and what to ask for (the host)."""

    url: httpx.URL
    address: IPAddress

    @property
    def host_header(self) -> str:
        host = self.url.host if ":" not in self.url.host else f"[{self.url.host}]"
        return host if self.url.port is None else f"{host}:{self.url.port}"

    @property
    def connect_url(self) -> httpx.URL:
        return self.url.copy_with(host=str(self.address))


def parse_url(raw: str) -> httpx.URL:
    text = (raw or "").strip()
    if not text or len(text) > MAX_URL:
        raise JournalError("ERR_JOURNAL_URL_BAD", "not a link")
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise JournalError("ERR_JOURNAL_URL_BAD", "not a link") from None
    if not url.scheme or not _host_ok(url):
        raise JournalError("ERR_JOURNAL_URL_BAD", "not a link")
    if url.scheme not in ("http", "https"):
        raise _refused(f"the scheme {url.scheme[:16]!r} is not http or https")
    if url.userinfo:
        raise _refused("a link with a user name or password")
    return url


def _host_ok(url: httpx.URL) -> bool:
    """A host name of letters, digits, dots and hyphens (IDNA-encoded), or an IP address."""
    host = url.raw_host.decode("ascii", errors="replace")
    if not host:
        return url.scheme not in ("http", "https")  # file:///x has no host: refused for its scheme, not here
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return all(c.isascii() and (c.isalnum() or c in "-._") for c in host) and not host.startswith(("-", "."))


def _allowed(url: httpx.URL, settings: Settings) -> bool:
    port = url.port or (443 if url.scheme == "https" else 80)
    host = url.host.lower()
    named = f"[{host}]" if ":" in host else host
    allow = {entry.strip().lower() for entry in settings.journal_fetch_allow}
    return bool(allow & {host, named, f"{named}:{port}"})


async def check_target(url: httpx.URL, settings: Settings) -> Target:
    """Resolve the host once and refuse it unless every address is public (or the host is allow-listed)."""
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        literal: IPAddress | None = ipaddress.ip_address(url.host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        try:
            addresses = await resolve(url.host, port)
        except (OSError, UnicodeError, ValueError):
            raise _unreachable("the host name does not resolve") from None
    if not addresses:
        raise _unreachable("the host name does not resolve")
    if not _allowed(url, settings):
        for address in addresses:
            if not is_public(address):
                raise _refused("the host is on a private, loopback, link-local, multicast or reserved address")
    return Target(url, addresses[0])


@dataclass(frozen=True)
class Fetched:
    url: str  # where the page was found, after the redirects
    html: str


async def fetch_html(raw_url: str, settings: Settings) -> Fetched:
    """GET a page safely (see the module's docstring); its HTML, decoded."""
    url = parse_url(raw_url)
    try:
        async with asyncio.timeout(TIMEOUT), httpx.AsyncClient(
            trust_env=False, follow_redirects=False, timeout=httpx.Timeout(TIMEOUT), verify=tls_context(),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=0),
        ) as client:
            for _hop in range(MAX_REDIRECTS + 1):
                target = await check_target(url, settings)
                request = client.build_request(
                    "GET", target.connect_url,
                    headers={"Host": target.host_header, "User-Agent": USER_AGENT,
                             "Accept": "text/html,application/xhtml+xml;q=0.9", "Accept-Encoding": "identity"},
                    extensions={"sni_hostname": url.host} if url.scheme == "https" else {},
                )
                response = await client.send(request, stream=True)
                try:
                    if response.is_redirect:
                        url = _next(url, response.headers.get("location", ""))
                        continue
                    return Fetched(str(url), await _read_html(response))
                finally:
                    await response.aclose()
    except TimeoutError:
        raise _unreachable(f"no answer within {TIMEOUT:.0f} s") from None
    except httpx.HTTPError as exc:
        raise _unreachable(type(exc).__name__) from None
    raise JournalError("ERR_JOURNAL_URL_TOO_MANY_REDIRECTS", f"more than {MAX_REDIRECTS} redirects",
                       limit=MAX_REDIRECTS)


def _next(url: httpx.URL, location: str) -> httpx.URL:
    try:
        return parse_url(str(url.join(location)))
    except (httpx.InvalidURL, ValueError):
        raise JournalError("ERR_JOURNAL_URL_BAD", "a redirect to something that is not a link") from None


async def _read_html(response: httpx.Response) -> str:
    if response.status_code >= 400:
        raise _unreachable(f"the server answered {response.status_code}")
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in HTML_TYPES:
        raise JournalError("ERR_JOURNAL_URL_NOT_HTML", "the link is not a web page",
                           type=media_type[:64] or "unknown")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise _too_large()
    body = bytearray()
    async for chunk in response.aiter_bytes():  # decompressed: the limit holds for what a page unpacks to
        body += chunk
        if len(body) > MAX_BYTES:
            raise _too_large()
    from trafilatura.utils import decode_file  # trafilatura is loaded by the first page read, not at start-up

    return str(decode_file(bytes(body)))


def _too_large() -> JournalError:
    return JournalError("ERR_JOURNAL_URL_TOO_LARGE", "the page is too large", limit_mb=MAX_BYTES // (1024 * 1024))


# --- reading a page -----------------------------------------------------------------------------------------------

_PRODUCT_TYPES = {"product", "offer", "aggregateoffer", "productgroup", "individualproduct", "vehicle", "car"}
_EVENT_SUFFIX = "event"
_PLACE_TYPES = {"place", "localbusiness", "restaurant", "cafeorcoffeeshop", "barorpub", "foodestablishment", "store",
                "hotel", "lodgingbusiness", "touristattraction", "museum", "park", "landmarksorhistoricalbuildings",
                "movietheater", "civicstructure"}
_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "report", "scholarlyarticle", "techarticle", "webpage"}


@dataclass
class Page:
    url: str
    title: str = ""
    description: str = ""
    image: str | None = None
    text: str = ""
    site_name: str = ""
    price: float | None = None
    currency: str | None = None
    kind: str = "page"  # product, place, event, article or page
    place: str | None = None  # a place's or an event's venue name
    when: str | None = None  # an event's start day, YYYY-MM-DD
    types: list[str] = field(default_factory=list)  # the schema.org/OpenGraph types seen

    def summary(self) -> str:
        """What the provider reads: title, description, price, then the start of the main text."""
        parts = [self.title, self.description]
        if self.price is not None:
            parts.append(f"{self.price:g} {self.currency or ''}".strip())
        if self.place:
            parts.append(self.place)
        head = ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())
        return f"{head}.\n{self.text[:TEXT_FOR_MODEL]}".strip() if self.text else head


def read_page(html: str, url: str) -> Page:
    """Title, description, image, site, main text (trafilatura); price, currency, kind, venue (OpenGraph, JSON-LD)."""
    import trafilatura  # about 25 MB: loaded by the first page read, not by every process at start-up
    from trafilatura.metadata import extract_metadata

    page = Page(url=url)
    meta = extract_metadata(html, default_url=url)
    if meta is not None:
        page.title = (meta.title or "").strip()
        page.description = (meta.description or "").strip()
        page.image = meta.image or None
        page.site_name = (meta.sitename or "").strip()
        if meta.pagetype:
            page.types.append(str(meta.pagetype).lower())
    page.text = (trafilatura.extract(html, url=url, include_comments=False, include_tables=False) or "").strip()
    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, etree.ParserError):
        return _classify(page)
    _read_opengraph(tree, page)
    for item in _json_ld(tree):
        _read_schema_org(item, page)
    return _classify(page)


def _read_opengraph(tree: Any, page: Page) -> None:
    props: dict[str, str] = {}
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        value = (node.get("content") or "").strip()
        if key and value and key not in props:
            props[key] = value
    for amount_key, currency_key in (("product:price:amount", "product:price:currency"),
                                     ("og:price:amount", "og:price:currency"), ("price", "pricecurrency")):
        if page.price is None and amount_key in props:
            page.price = _number(props[amount_key])
            page.currency = _currency(props.get(currency_key))
    if props.get("og:type"):
        page.types.append(props["og:type"].lower())


def _json_ld(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        yield from _flatten(data)


def _flatten(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _flatten(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten(data["@graph"], depth + 1)


def _types(item: dict[str, Any]) -> list[str]:
    raw = item.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return [str(v).rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)]


def _read_schema_org(item: dict[str, Any], page: Page) -> None:
    types = _types(item)
    page.types.extend(types)
    if any(t in _PRODUCT_TYPES for t in types):
        offers = item.get("offers", item if {"offer", "aggregateoffer"} & set(types) else None)
        for offer in _flatten(offers):
            price = _number(offer.get("price", offer.get("lowPrice")))
            if price is not None and page.price is None:
                page.price, page.currency = price, _currency(offer.get("priceCurrency"))
        if not page.title and isinstance(item.get("name"), str):
            page.title = item["name"].strip()
    if any(t.endswith(_EVENT_SUFFIX) for t in types):
        page.when = page.when or _day(item.get("startDate"))
        page.place = page.place or _name(item.get("location"))
        if not page.title and isinstance(item.get("name"), str):
            page.title = item["name"].strip()
    if any(t in _PLACE_TYPES for t in types):
        page.place = page.place or _name(item)


def _classify(page: Page) -> Page:
    types = set(page.types)
    if any(t.endswith(_EVENT_SUFFIX) for t in types):
        page.kind = "event"
    elif page.price is not None or types & _PRODUCT_TYPES or "og:product" in types:
        page.kind = "product"
    elif types & _PLACE_TYPES or {"restaurant.restaurant", "business.business", "place"} & types:
        page.kind = "place"
        page.place = page.place or page.title or None
    elif types & _ARTICLE_TYPES or page.text:
        page.kind = "article"
    return page


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip()[:255] or None if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        cleaned = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = float(cleaned)
        except ValueError:
            return None
    else:
        return None
    return round(number, 2) if 0 <= number < 1e12 else None


def _currency(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    code = value.strip().upper()
    code = {"RUR": "RUB", "₽": "RUB", "$": "USD", "€": "EUR"}.get(code, code)
    return code if len(code) == 3 and code.isalpha() else None


def _day(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


async def fetch_page(url: str, settings: Settings) -> Page:
    fetched = await fetch_html(url, settings)
    return await asyncio.to_thread(read_page, fetched.html, fetched.url)


# --- drafts ----------------------------------------------------------------------------------------------------

# what a link proposes by its kind: (action, object, status)
_BY_KIND: dict[str, tuple[str, str, str]] = {
    "product": ("bought", "product", "done"),
    "place": ("visited", "place", "done"),
    "event": ("visited", "event", "planned"),
    "article": ("read", "article", "done"),
    "page": ("read", "article", "done"),
}


def page_draft(page: Page, analysis: Any, *, day: dt.date) -> dict[str, Any]:
    """The card a link proposes: its kind's pair, the page's title, price and venue, the provider's tags."""
    draft = reading.draft(page.summary()[:1_000], analysis, day=day)
    action, obj, status = _BY_KIND[page.kind]
    if page.kind == "page" and is_valid_semantic(draft["action"], draft["object"]):
        action, obj = draft["action"], draft["object"]
    draft.update(action=action, object=obj, status=status, title=(page.title or draft["title"])[:200],
                 note=(page.description or page.text[:300] or draft["note"])[:1_000],
                 extras={"url": page.url[:MAX_URL]})
    if page.kind == "product":
        draft.update(amount=page.price, currency=page.currency if page.price is not None else None)
    else:
        draft.update(amount=None, currency=None)
    if page.place:
        draft["place"] = page.place
    elif page.kind == "product" and page.site_name:
        draft["place"] = page.site_name[:255]
    if page.when:
        draft["date"] = page.when
    return draft


async def drafts_from_url(provider: AIProvider, url: str, *, settings: Settings, language: str,
                          day: dt.date) -> list[dict[str, Any]]:
    """Fetch the page safely and propose one entry for it (a product with its price, a place, an event, an
    article). Raises JournalError ERR_JOURNAL_URL_* when the link is refused, unreachable, not HTML or too large."""
    page = await fetch_page(url, settings)
    if not (page.title or page.description or page.text):
        raise JournalError("ERR_JOURNAL_URL_EMPTY", "the page has nothing to read")
    analysis = await provider.analyze_entry(page.summary(), language=language)
    log.info("journal.url_read", kind=page.kind, has_price=page.price is not None, chars=len(page.text))
    return [page_draft(page, analysis, day=day)]
