"""What a job may ask of Telegram beyond sending messages (those go through the outbox).

The bot layer implements :class:`TelegramGateway` over the process's one Bot client; core code sees only this
protocol and :class:`TelegramRefused`, never the client library.
"""

from __future__ import annotations

from typing import Any, Protocol


class TelegramRefused(Exception):
    """Telegram refused the call for good (a 400 or 403: not a forum, not an admin, chat not found…)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TelegramGateway(Protocol):
    async def download_file(self, file_id: str) -> bytes:
        """The bytes of a file a user sent (getFile, then the file download)."""
        ...

    async def create_forum_topic(self, chat_id: int, title: str) -> int:
        """A new topic in a forum supergroup; its message thread id. Raises TelegramRefused."""
        ...

    async def is_member(self, chat_id: int, user_id: int) -> bool:
        """Whether the user is in the group now. Raises TelegramRefused when the group itself refuses."""
        ...

    async def send_photo(self, chat_id: int, photo: bytes, *, caption: str = "", filename: str = "image.png",
                         reply_markup: dict[str, Any] | None = None) -> None:
        """Send a picture made by a job (a page region, a chart), with buttons if given (Bot API JSON). Not through
        the outbox, whose rows hold no bytes: a job run again after a crash may send it twice. Raises
        TelegramRefused."""
        ...

    async def aclose(self) -> None: ...


class NoTelegram:
    """The gateway of a process that has no Bot client (a web process whose jobs run elsewhere)."""

    async def download_file(self, file_id: str) -> bytes:
        raise RuntimeError("this process has no Telegram client; jobs run in the bot or worker process")

    async def create_forum_topic(self, chat_id: int, title: str) -> int:
        raise RuntimeError("this process has no Telegram client; jobs run in the bot or worker process")

    async def is_member(self, chat_id: int, user_id: int) -> bool:
        raise RuntimeError("this process has no Telegram client; jobs run in the bot or worker process")

    async def send_photo(self, chat_id: int, photo: bytes, *, caption: str = "", filename: str = "image.png",
                         reply_markup: dict[str, Any] | None = None) -> None:
        raise RuntimeError("this process has no Telegram client; jobs run in the bot or worker process")

    async def aclose(self) -> None:
        return None
