"""Where uploaded documents' bytes live: the storage interface of core.storage, a local folder (DATA_DIR/documents)."""

from __future__ import annotations

from core.config import Settings
from core.storage import LocalStorage, Storage

__all__ = ["LocalStorage", "Storage", "storage_for"]


def storage_for(settings: Settings) -> Storage:
    return LocalStorage(settings.data_dir / "documents")
