"""The journal's export as a ZIP with the photos: ``entries.json`` (the JSON export, each entry's photos listed with
their file in the archive), ``entries.csv``, and ``photos/<entry id>/<attachment id>.<ext>`` for every photo on the
user's live entries. Only the user's own rows and files; built in a spooled temporary file (in memory while small,
on disk beyond that), one photo read at a time, so a large journal never sits in memory whole."""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import zipfile
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.journal import repository as repo
from core.journal import service
from core.journal.attachments import attachment_json
from core.journal.models import EntryAttachment
from core.storage import Storage
from core.users.models import User

SPOOL_BYTES = 8 * 1024 * 1024  # an archive larger than this goes to a temporary file on disk


def photo_path(entry_id: int, attachment: EntryAttachment) -> str:
    """A name made from ids only: never the user's file name (no path tricks inside the archive)."""
    ext = attachment.key.rsplit(".", 1)[-1] if "." in attachment.key else ""
    return f"photos/{entry_id}/{attachment.id}.{ext if ext.isalnum() and ext.isascii() else 'img'}"


async def export_zip(session: AsyncSession, storage: Storage, user: User, now: dt.datetime) -> IO[bytes]:
    """The archive, rewound to its start; the caller closes it (a temporary file)."""
    entries = await repo.all_entries(session, user.id)
    live = {e.id for e in entries}
    rows = (await session.scalars(select(EntryAttachment)
                                  .where(EntryAttachment.user_id == user.id, EntryAttachment.entry_id.is_not(None))
                                  .order_by(EntryAttachment.entry_id, EntryAttachment.id))).all()
    photos = [(a.entry_id, a) for a in rows if a.entry_id is not None and a.entry_id in live]
    document = service.export_document(entries, now)
    listed: dict[int, list[dict[str, Any]]] = {}
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the caller closes it
    try:
        archive = zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED)
        with archive:
            for entry_id, photo in photos:
                item = attachment_json(photo)
                try:
                    data = await storage.get(photo.key)
                except FileNotFoundError:  # its bytes are gone: listed, without a file
                    item["file"] = None
                else:
                    item["file"] = photo_path(entry_id, photo)
                    # photos are compressed already: stored as they are
                    await asyncio.to_thread(archive.writestr, item["file"], data, zipfile.ZIP_STORED)
                listed.setdefault(entry_id, []).append(item)
            for entry, out in zip(entries, document["entries"], strict=True):
                out["attachments"] = listed.get(entry.id, [])
            archive.writestr("entries.json", service.json_bytes(document))
            archive.writestr("entries.csv", service.csv_bytes(entries))
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool
