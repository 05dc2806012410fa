"""Voice, documents and photos: uploads from people and bots, file_id reuse, getFile and download."""

from __future__ import annotations

import struct

OGG_OPUS = (b"OggS" + b"\x00" * 22 + b"OpusHead" + b"\x00" * 40
            + b"OggS\x00\x04" + struct.pack("<q", 48000 * 3) + b"\x00" * 16)
PNG_1x2 = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + struct.pack(">II", 1, 2) + b"\x08\x02\x00\x00\x00"


async def download(client, bot, file_id: str) -> bytes:
    info = await bot.ok("getFile", file_id=file_id)
    response = await client.get(f"/file/bot{bot.token}/{info['file_path']}")
    assert response.status_code == 200
    assert len(response.content) == info["file_size"]
    return response.content


class TestVoiceFromAPerson:
    async def test_a_voice_message_reaches_the_bot_and_downloads_intact(self, client, bot) -> None:
        posted = await client.post("/api/voice", data={"chat_id": "42"},
                                   files={"file": ("note.ogg", OGG_OPUS, "audio/ogg")})

        message = (await bot.ok("getUpdates"))[0]["message"]
        voice = message["voice"]

        assert posted.json()["message_id"] == message["message_id"]
        assert (voice["mime_type"], voice["duration"], voice["file_size"]) == ("audio/ogg", 3, len(OGG_OPUS))
        assert voice["file_id"] and voice["file_unique_id"]
        assert await download(client, bot, voice["file_id"]) == OGG_OPUS

    async def test_a_document_keeps_its_name_and_type(self, client, bot) -> None:
        await client.post("/api/documents", data={"chat_id": "42", "caption": "my notes"},
                          files={"file": ("notes.md", b"# Notes\n", "text/markdown")})

        message = (await bot.ok("getUpdates"))[0]["message"]

        assert message["caption"] == "my notes"
        assert (message["document"]["file_name"], message["document"]["mime_type"]) == ("notes.md", "text/markdown")
        assert await download(client, bot, message["document"]["file_id"]) == b"# Notes\n"

    async def test_a_photo_comes_with_its_size(self, client, bot) -> None:
        await client.post("/api/photos", data={"chat_id": "42"}, files={"file": ("p.png", PNG_1x2, "image/png")})

        photo = (await bot.ok("getUpdates"))[0]["message"]["photo"]

        assert [(p["width"], p["height"]) for p in photo] == [(1, 2)]


class TestFilesFromTheBot:
    async def test_an_uploaded_document_can_be_sent_again_by_file_id(self, client, bot) -> None:
        first = (await client.post(f"/bot{bot.token}/sendDocument", data={"chat_id": "42", "caption": "export"},
                                   files={"document": ("export.json", b'{"v": 1}', "application/json")})).json()
        doc = first["result"]["document"]

        again = await bot.ok("sendDocument", chat_id=42, document=doc["file_id"])

        shown = (await client.get("/api/chats/42/messages")).json()
        assert (doc["file_name"], doc["mime_type"], doc["file_size"]) == ("export.json", "application/json", 8)
        assert again["document"]["file_id"] == doc["file_id"]
        assert [(m["caption"], m["document"]["file_name"]) for m in shown] == [("export", "export.json"),
                                                                               (None, "export.json")]
        assert await download(client, bot, doc["file_id"]) == b'{"v": 1}'

    async def test_aiogram_style_attach_reference_is_resolved(self, client, bot) -> None:
        response = await client.post(f"/bot{bot.token}/sendVoice", data={"chat_id": "42", "voice": "attach://f1"},
                                     files={"f1": ("v.ogg", OGG_OPUS, "application/octet-stream")})

        voice = response.json()["result"]["voice"]

        assert (voice["mime_type"], voice["duration"]) == ("audio/ogg", 3)

    async def test_unknown_file_id_and_path_are_refused(self, client, bot) -> None:
        assert await bot("getFile", file_id="nope") == {"ok": False, "error_code": 400,
                                                        "description": "Bad Request: invalid file_id"}
        assert await bot("sendDocument", chat_id=42, document="nope") == {
            "ok": False, "error_code": 400, "description": "Bad Request: wrong file identifier/HTTP URL specified"}
        assert (await client.get(f"/file/bot{bot.token}/documents/none.bin")).status_code == 404
