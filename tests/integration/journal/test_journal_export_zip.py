"""GET /api/v1/entries/export?format=zip: entries.json, entries.csv and the photos of the user's live entries, with
their bytes as uploaded — the user's own only, an empty journal a valid archive, and the signed link serving it too."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any
from urllib.parse import urlsplit

import httpx
from journal_helpers import SignIn, create
from PIL import Image

from core.runtime import Runtime

ALICE, BOB = 6401, 6402


def png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "PNG")
    return out.getvalue()


async def photo(api: httpx.AsyncClient, headers: dict[str, str], data: bytes, entry_id: int | None = None) -> int:
    r = await api.post("/api/v1/attachments", files={"file": ("../../etc/passwd.png", data, "image/png")},
                       headers=headers)
    assert r.status_code == 201, r.text
    attachment_id: int = r.json()["id"]
    if entry_id is not None:
        assert (await api.put(f"/api/v1/entries/{entry_id}/attachments/{attachment_id}",
                              headers=headers)).status_code == 200
    return attachment_id


async def export_zip(api: httpx.AsyncClient, headers: dict[str, str]) -> zipfile.ZipFile:
    r = await api.get("/api/v1/entries/export", params={"format": "zip"}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"].endswith('.zip"') and int(r.headers["content-length"]) == len(r.content)
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert archive.testzip() is None
    return archive


def document(archive: zipfile.ZipFile) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(archive.read("entries.json"))
    return data


class TestExportZip:
    async def test_the_archive_holds_the_users_entries_and_photos_and_never_anothers(
            self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice, bob = await sign_in(ALICE), await sign_in(BOB)
        latte = await create(api, alice, title="Латте", amount=180, date="2030-05-01")
        bread = await create(api, alice, title="Bread", action="bought", object="food", date="2030-05-02")
        gone = await create(api, alice, title="deleted one", date="2030-05-03")
        red, green, blue, grey, black = (png(c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255), (99, 99, 99),
                                                          (0, 0, 0)))
        first, second = await photo(api, alice, red, latte["id"]), await photo(api, alice, green, latte["id"])
        await photo(api, alice, blue, gone["id"])
        await photo(api, alice, grey)  # kept but on no entry
        assert (await api.delete(f"/api/v1/entries/{gone['id']}", headers=alice)).status_code in (200, 204)
        bobs_entry = await create(api, bob, title="bob's secret")
        bobs_photo = await photo(api, bob, black, bobs_entry["id"])

        archive = await export_zip(api, alice)
        first_name, second_name = f"photos/{latte['id']}/{first}.png", f"photos/{latte['id']}/{second}.png"
        assert sorted(archive.namelist()) == sorted(["entries.json", "entries.csv", first_name, second_name])
        assert archive.read(first_name) == red and archive.read(second_name) == green
        entries = document(archive)["entries"]
        assert [e["title"] for e in entries] == ["Латте", "Bread"]
        assert [(a["id"], a["file"], a["mimeType"]) for a in entries[0]["attachments"]] == [
            (first, first_name, "image/png"), (second, second_name, "image/png")]
        assert entries[1]["attachments"] == [] and bread["attachments"] == []
        rows = list(csv.DictReader(io.StringIO(archive.read("entries.csv").decode("utf-8-sig"))))
        assert [row["title"] for row in rows] == ["Латте", "Bread"]

        bobs = await export_zip(api, bob)
        assert sorted(bobs.namelist()) == sorted(["entries.json", "entries.csv",
                                                  f"photos/{bobs_entry['id']}/{bobs_photo}.png"])
        assert bobs.read(f"photos/{bobs_entry['id']}/{bobs_photo}.png") == black
        assert [e["title"] for e in document(bobs)["entries"]] == ["bob's secret"]

        # entries.json is the JSON export: the import takes it back
        r = await api.post("/api/v1/entries/import", json=document(archive), headers=bob)
        assert r.status_code == 200 and r.json()["imported"] == 2

    async def test_an_empty_journal_is_a_valid_archive_with_no_entries(
            self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        archive = await export_zip(api, await sign_in(ALICE))
        assert sorted(archive.namelist()) == ["entries.csv", "entries.json"]
        assert document(archive)["entries"] == [] and document(archive)["version"] == 1
        assert archive.read("entries.csv").decode("utf-8-sig").strip().startswith("number,date")

    async def test_the_signed_link_serves_the_archive(self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice, bob = await sign_in(ALICE), await sign_in(BOB)
        entry = await create(api, alice, title="Латте")
        attachment = await photo(api, alice, png((1, 2, 3)), entry["id"])
        await photo(api, bob, png((3, 2, 1)), (await create(api, bob, title="bob's"))["id"])
        r = await api.post("/api/v1/entries/export/link", params={"format": "zip"}, headers=alice)
        assert r.status_code == 200 and r.json()["fileName"].endswith(".zip")
        url = urlsplit(r.json()["url"])
        r = await api.get(f"{url.path}?{url.query}")  # no Authorization header, as Telegram fetches it
        assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(r.content))
        assert sorted(archive.namelist()) == sorted(["entries.json", "entries.csv",
                                                     f"photos/{entry['id']}/{attachment}.png"])
        assert archive.read(f"photos/{entry['id']}/{attachment}.png") == png((1, 2, 3))
        r = await api.get("/api/v1/entries/export", params={"format": "tar"}, headers=alice)
        assert r.status_code == 422

    async def test_a_photo_whose_bytes_are_gone_is_listed_without_a_file(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE)
        entry = await create(api, alice, title="Латте")
        kept, lost = png((10, 20, 30)), png((30, 20, 10))
        kept_id, lost_id = await photo(api, alice, kept, entry["id"]), await photo(api, alice, lost, entry["id"])
        folder = runtime.settings.data_dir / "journal"
        [stored] = [p for p in folder.rglob("*.png") if p.read_bytes() == lost]
        stored.unlink()
        archive = await export_zip(api, alice)
        assert sorted(archive.namelist()) == sorted(["entries.json", "entries.csv",
                                                     f"photos/{entry['id']}/{kept_id}.png"])
        assert [(a["id"], a["file"]) for a in document(archive)["entries"][0]["attachments"]] == [
            (kept_id, f"photos/{entry['id']}/{kept_id}.png"), (lost_id, None)]
