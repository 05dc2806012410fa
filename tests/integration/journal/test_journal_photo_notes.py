"""A photo note becomes a journal entry, through the real bot and the sandbox: a receipt photo sent without a caption
is a note whose reply has "save as entry"; the press reads the photo (offline: tesseract, on a receipt drawn in the
test) into a card; Save makes the entry and closes the note, once, however often the button is pressed. An album
gives an entry per receipt; a photo with no receipt says so, and its card lets the user fill the entry in (the Mini
App's form) or keep the note."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import httpx
import pytest
from journal_helpers import SignIn
from PIL import Image
from receipt_images import EN_RECEIPT, RU_RECEIPT, cyrillic_font, receipt_png

from core.items.models import Item
from core.journal.models import Entry, Proposal
from secretary.bot import BotServices
from tests.integration.journal.test_journal_chat import button, edited_to, labels, press, rows
from tests.support.audio import require
from tests.support.sandbox import SandboxClient

SAVE_AS_ENTRY = "Save as journal entry"


@pytest.fixture(autouse=True)
def tesseract() -> None:
    require("tesseract")  # the offline reading (make system-deps installs it)


def no_receipt() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 180, 160)).save(out, "JPEG")
    return out.getvalue()


async def photo_note(sandbox: SandboxClient, chat_id: int, photo: bytes, photos: str = "📷 1",
                     language: str = "en") -> dict[str, Any]:
    """Send a photo without a caption; the bot's reply (a note holding it)."""
    r = await sandbox.http.post("/photos", data={"chat_id": str(chat_id), "language_code": language},
                                files={"file": ("receipt.png", photo, "image/png")})
    r.raise_for_status()
    return await sandbox.wait_for_text(chat_id, photos)


async def card_saying(sandbox: SandboxClient, chat_id: int, fragment: str) -> dict[str, Any]:
    """The proposal's card once the job has read the photo (it is sent as "reading…" first, then edited)."""
    return await sandbox.wait_for_text(chat_id, fragment, timeout=30)


class TestReceiptPhotoNote:
    async def test_the_button_reads_the_receipt_and_save_makes_one_entry_and_closes_the_note(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        rt = bot_app.runtime
        note = await photo_note(sandbox, 7701, receipt_png(EN_RECEIPT))
        assert note["text"].startswith("Saved: #1 note: Photo")
        assert labels(note) == ["📒 Save as journal entry"]

        first = await press(sandbox, 7701, note, SAVE_AS_ENTRY)
        second = await press(sandbox, 7701, note, SAVE_AS_ENTRY)  # a double tap
        await sandbox.callback_answer(first)
        toast = await sandbox.callback_answer(second)
        assert toast["text"] == "This card is closed already: nothing changed."
        card = await card_saying(sandbox, 7701, "7.75 USD")
        assert card["text"].startswith("📒 New journal entry") and "BLUE BOTTLE COFFEE" in card["text"]
        assert labels(card) == ["✓ Save", "✎ Edit", "✗ Cancel", "📝 Keep the note"]
        await asyncio.sleep(0.3)
        cards = [m for m in await sandbox.bot_messages(7701) if "journal entr" in (m["text"] or "")
                 or "Reading" in (m["text"] or "")]
        assert [m["message_id"] for m in cards] == [card["message_id"]]  # one card for two presses
        unbuttoned = next(m for m in await sandbox.bot_messages(7701) if m["message_id"] == note["message_id"])
        assert not labels(unbuttoned)

        await press(sandbox, 7701, card, "Save")
        await edited_to(sandbox, 7701, card, "Saved to the journal: #1")
        (entry,) = await rows(rt, Entry, 7701)
        assert (entry.action, entry.amount_minor, entry.currency, entry.place, entry.source) == (
            "bought", 775, "USD", "BLUE BOTTLE COFFEE", "photo")
        assert entry.happened_on.isoformat() == "2025-03-14"
        (item,) = await rows(rt, Item, 7701)
        assert (item.kind, item.status, len(item.photos)) == ("note", "cancelled", 1)  # an entry now, not both
        (proposal,) = await rows(rt, Proposal, 7701)
        assert (proposal.source, proposal.status, proposal.note_item_id) == ("photo", "saved", item.id)

    async def test_an_album_of_receipts_gives_an_entry_per_photo(self, bot_app: BotServices,
                                                                 sandbox: SandboxClient) -> None:
        rt = bot_app.runtime
        await sandbox.album(7702, [receipt_png(EN_RECEIPT), receipt_png(RU_RECEIPT, cyrillic_font())],
                            language_code="ru")
        note = await sandbox.wait_for_text(7702, "📷 2")
        assert labels(note) == ["📒 Сохранить в дневник"]  # the album's one reply, edited as its photos came
        await press(sandbox, 7702, note, "Сохранить в дневник")
        card = await card_saying(sandbox, 7702, "Записей в дневник: 2")
        assert "7.75 USD" in card["text"] and "430 RUB" in card["text"]
        await press(sandbox, 7702, card, "Сохранить")
        await edited_to(sandbox, 7702, card, "Сохранено в дневник: #1, #2")
        assert sorted((e.amount_minor, e.currency) for e in await rows(rt, Entry, 7702)) == [
            (775, "USD"), (43000, "RUB")]
        (item,) = await rows(rt, Item, 7702)
        assert (item.status, len(item.photos)) == ("cancelled", 2)


class TestPhotoWithNoReceipt:
    async def test_the_card_says_so_and_keep_the_note_leaves_it_a_note(self, bot_app: BotServices,
                                                                       sandbox: SandboxClient) -> None:
        rt = bot_app.runtime
        note = await photo_note(sandbox, 7703, no_receipt())
        await press(sandbox, 7703, note, SAVE_AS_ENTRY)
        card = await card_saying(sandbox, 7703, "I could not read an entry from the photo")
        assert "I could not read a receipt in this photo" in card["text"]
        assert labels(card) == ["✎ Edit", "📝 Keep the note"]

        await press(sandbox, 7703, card, "Keep the note")
        await edited_to(sandbox, 7703, card, "Saved as note #1.")
        (item,) = await rows(rt, Item, 7703)
        assert (item.kind, item.status, len(item.photos)) == ("note", "inbox", 1)  # the same note, as it was
        assert [p.status for p in await rows(rt, Proposal, 7703)] == ["noted"]
        assert not await rows(rt, Entry, 7703)

    async def test_edit_fills_the_entry_in_and_saving_it_closes_the_note(
            self, bot_app: BotServices, sandbox: SandboxClient, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        rt = bot_app.runtime
        note = await photo_note(sandbox, 7704, no_receipt())
        await press(sandbox, 7704, note, SAVE_AS_ENTRY)
        card = await card_saying(sandbox, 7704, "I could not read an entry from the photo")
        (proposal,) = await rows(rt, Proposal, 7704)
        assert button(card, "Edit")["web_app"]["url"].endswith(f"/app/#/journal/proposals/{proposal.id}")

        headers = await sign_in(7704)
        form = (await api.get(f"/api/v1/journal/proposals/{proposal.id}", headers=headers)).json()
        (draft,) = form["drafts"]
        assert (draft["action"], draft["object"], draft.get("amount")) == ("bought", "other", None)
        filled = {**draft, "title": "Flea market", "amount": 12, "currency": "EUR"}
        r = await api.post(f"/api/v1/journal/proposals/{proposal.id}/save", json={"drafts": [filled]},
                           headers=headers)
        assert r.status_code == 200, r.text
        await edited_to(sandbox, 7704, card, "Saved to the journal: #1")
        (entry,) = await rows(rt, Entry, 7704)
        assert (entry.title, entry.amount_minor, entry.currency) == ("Flea market", 1200, "EUR")
        (item,) = await rows(rt, Item, 7704)
        assert item.status == "cancelled"
