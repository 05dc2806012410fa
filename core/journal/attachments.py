"""The journal's photos: kept in a storage (core.storage: DATA_DIR/journal by default, S3 when configured) with a JPEG
thumbnail, owned by one user, and attached to at most one of their entries (the entry's ``attachments`` list and
``attachment_count`` follow). Every read goes through the owner: another user's photo is "not found"."""

from __future__ import annotations

import asyncio
import hashlib
import io
from typing import Any

from PIL import Image, ImageOps
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import storage as storages
from core.config import Settings
from core.journal import service
from core.journal.errors import AttachmentNotFound, EntryNotFound, JournalError
from core.journal.models import Entry, EntryAttachment
from core.journal.receipts import check_image
from core.storage import Storage
from core.users.models import User

THUMB_SIZE = (320, 320)
MAX_PER_ENTRY = 20
_EXT = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif", "image/bmp": "bmp",
        "image/tiff": "tif", "image/mpo": "jpg"}


def storage_for(settings: Settings) -> Storage:
    return storages.storage_for(settings, "journal")


def thumbnail(data: bytes) -> bytes:
    """A JPEG at most THUMB_SIZE, upright (EXIF orientation applied), without the photo's metadata."""
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
        image.thumbnail(THUMB_SIZE)
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def attachment_json(attachment: EntryAttachment) -> dict[str, Any]:
    """How an entry lists its photo (GET /attachments/{id} and /attachments/{id}/thumb give the bytes)."""
    return {"id": attachment.id, "name": attachment.name, "mimeType": attachment.mime_type, "size": attachment.size,
            "hasThumb": attachment.thumb_key is not None}


async def save_photo(session: AsyncSession, storage: Storage, user_id: int, data: bytes, *, name: str = "",
                     max_bytes: int) -> EntryAttachment:
    """Check the photo (size, a real picture), store it and its thumbnail, and keep a row for it (no entry yet)."""
    checked = check_image(data, max_bytes=max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    key = f"{user_id}/{digest}.{_EXT.get(checked.mime_type, 'img')}"
    await storage.put(key, data)
    thumb_key = f"{user_id}/{digest}.thumb.jpg"
    await storage.put(thumb_key, await asyncio.to_thread(thumbnail, data))
    attachment = EntryAttachment(user_id=user_id, key=key, thumb_key=thumb_key, name=name.strip()[:255],
                                 mime_type=checked.mime_type, size=len(data))
    session.add(attachment)
    await session.flush()
    return attachment


async def owned(session: AsyncSession, user_id: int, attachment_id: int) -> EntryAttachment:
    attachment = await session.scalar(select(EntryAttachment).where(EntryAttachment.id == attachment_id,
                                                                    EntryAttachment.user_id == user_id))
    if attachment is None:
        raise AttachmentNotFound()
    return attachment


async def _refresh_entry(session: AsyncSession, entry: Entry) -> None:
    rows = (await session.scalars(select(EntryAttachment).where(EntryAttachment.user_id == entry.user_id,
                                                                EntryAttachment.entry_id == entry.id)
                                  .order_by(EntryAttachment.id))).all()
    entry.attachments = [attachment_json(a) for a in rows]
    entry.attachment_count = len(rows)
    await session.flush()


async def attach(session: AsyncSession, user: User, entry_id: int, attachment: EntryAttachment) -> Entry:
    """Put one of the user's photos on one of their entries (moved from another entry if it was on one)."""
    entry = await service.owned(session, user, entry_id)
    if entry.deleted_at is not None:
        raise EntryNotFound("the entry is deleted (restore it first)")
    if attachment.entry_id != entry.id and entry.attachment_count >= MAX_PER_ENTRY:
        raise JournalError("ERR_JOURNAL_TOO_MANY_ATTACHMENTS", "too many photos on one entry", limit=MAX_PER_ENTRY)
    previous = attachment.entry_id
    attachment.entry_id = entry.id
    await session.flush()
    if previous is not None and previous != entry.id:
        other = await session.get(Entry, previous)
        if other is not None:
            await _refresh_entry(session, other)
    await _refresh_entry(session, entry)
    return entry


async def delete(session: AsyncSession, storage: Storage, user: User, attachment_id: int) -> None:
    """Forget one of the user's photos: its row, its place on an entry, its bytes (unless another row shares them)."""
    attachment = await owned(session, user.id, attachment_id)
    entry = await session.get(Entry, attachment.entry_id) if attachment.entry_id is not None else None
    keys = [k for k in (attachment.key, attachment.thumb_key) if k]
    await session.delete(attachment)
    await session.flush()
    if entry is not None:
        await _refresh_entry(session, entry)
    shared = await session.scalar(select(EntryAttachment.id).where(EntryAttachment.key == attachment.key).limit(1))
    if shared is None:
        for key in keys:
            await storage.delete(key)


async def read(session: AsyncSession, storage: Storage, user: User, attachment_id: int, *,
               thumb: bool = False) -> tuple[bytes, str]:
    """The photo's bytes (or its thumbnail's) and their type, for its owner only."""
    attachment = await owned(session, user.id, attachment_id)
    if thumb:
        if attachment.thumb_key is None:
            raise AttachmentNotFound()
        return await storage.get(attachment.thumb_key), "image/jpeg"
    return await storage.get(attachment.key), attachment.mime_type
