"""Where uploaded documents' bytes live: the storage of core.storage for the area "documents" (DATA_DIR/documents, or
S3_PREFIX/documents/ in S3_BUCKET when STORAGE_BACKEND=s3)."""

from __future__ import annotations

from core import storage
from core.config import Settings
from core.storage import LocalStorage, Storage

__all__ = ["LocalStorage", "Storage", "storage_for"]


def storage_for(settings: Settings) -> Storage:
    return storage.storage_for(settings, "documents")
