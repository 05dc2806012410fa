"""Where the client keeps its login: one JSON file (mode 0600) under $SECRETARY_CLIENT_HOME, else the user's config
directory (~/.config/secretary-client on Linux): the server, the tokens, the chat in use."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import typer

APP_NAME = "secretary-client"
FILE_NAME = "session.json"
DEFAULT_SERVER = "http://127.0.0.1:8000"


def home() -> Path:
    configured = os.environ.get("SECRETARY_CLIENT_HOME", "").strip()
    return Path(configured).expanduser() if configured else Path(typer.get_app_dir(APP_NAME))


@dataclass
class Session:
    server_url: str = DEFAULT_SERVER
    access_token: str = ""
    access_expires_at: float = 0.0  # Unix seconds
    refresh_token: str = ""
    active_chat_id: int | None = None

    @property
    def logged_in(self) -> bool:
        return bool(self.refresh_token)


def load() -> Session:
    path = home() / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Session()
    known = {k: v for k, v in data.items() if k in Session.__dataclass_fields__}
    return Session(**known)


def save(session: Session) -> None:
    """Written whole (a temporary file renamed over the old one), readable by its owner only."""
    folder = home()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, draft = tempfile.mkstemp(dir=folder, prefix=".session-", suffix=".json")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(session), f, indent=2)
        os.replace(draft, folder / FILE_NAME)
    except BaseException:
        Path(draft).unlink(missing_ok=True)
        raise
