"""POST /api/v1/entries/export/link: a short-lived link that Telegram's `downloadFile` fetches without our headers —
the user's own export, for that user only, and nothing once it is forged, altered, expired or of another kind."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import httpx
from journal_helpers import SignIn, create

from core.auth import tokens
from core.runtime import Runtime

ALICE, BOB = 6301, 6302


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


class TestExportLink:
    async def test_the_link_downloads_the_users_own_export_without_headers(
            self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice, bob = await sign_in(ALICE), await sign_in(BOB)
        await create(api, alice, title="Латте", amount=180)
        await create(api, bob, title="bob's secret")
        r = await api.post("/api/v1/entries/export/link", params={"format": "csv"}, headers=alice)
        assert r.status_code == 200
        link = r.json()
        assert link["fileName"].startswith("journal-") and link["fileName"].endswith(".csv")
        assert link["url"].startswith("http") and link["url"].endswith(link["path"])
        assert link["path"].startswith("/downloads/journal-export?format=csv&token=")
        r = await api.get(path_of(link["url"]))  # no Authorization header, as Telegram fetches it
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "attachment" in r.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert [row["title"] for row in rows] == ["Латте"]
        r = await api.post("/api/v1/entries/export/link", headers=alice)
        data = (await api.get(path_of(r.json()["url"]))).json()
        assert [e["title"] for e in data["entries"]] == ["Латте"]

    async def test_forged_altered_expired_or_other_tokens_are_refused(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE)
        key = runtime.settings.jwt_signing_key
        link = (await api.post("/api/v1/entries/export/link", headers=alice)).json()["url"]
        token = parse_qs(urlsplit(link).query)["token"][0]
        bad = [
            token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # altered signature
            tokens.make_link_token(ALICE, "journal-export", "another key" * 4, 300),  # forged
            tokens.make_link_token(ALICE, "journal-export", key, -10),  # expired
            tokens.make_link_token(ALICE, "something-else", key, 300),  # another purpose
            tokens.make_access_token(ALICE, key, 300),  # an access token is no link
            tokens.make_link_token(999_999, "journal-export", key, 300),  # no such user
            "",
        ]
        for value in bad:
            r = await api.get("/downloads/journal-export", params={"token": value})
            assert r.status_code in (401, 422) and r.json()["code"] in ("ERR_UNAUTHORIZED", "ERR_VALIDATION"), value
        r = await api.get("/api/v1/entries", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401  # and a link is no access token
        assert (await api.post("/api/v1/entries/export/link")).status_code == 401
