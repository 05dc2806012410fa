"""An answer's events: written to ``chat_events`` (the SSE stream reads them, resumable by id) in short units of work
of their own (tokens batched every FLUSH_SECONDS), and shown in Telegram when the question came from there."""

from __future__ import annotations

from typing import Any, Protocol

from core.documents import repository as repo
from core.queue.jobs import UnitsOfWork
from core.telegram.live import Throttle

FLUSH_SECONDS = 0.1
EVENTS = ("phase_started", "phase_progress", "llm_token", "llm_final", "error")
FINAL_EVENTS = ("llm_final", "error")


class View(Protocol):
    """Where else the answer is shown while it is written (the bot's message)."""

    async def phase(self, phase: str) -> None: ...

    async def text(self, text: str) -> None: ...


class EventSink:
    def __init__(self, units: UnitsOfWork, chat_id: int, message_id: int, view: View | None = None,
                 flush_seconds: float = FLUSH_SECONDS) -> None:
        self.units = units
        self.chat_id = chat_id
        self.message_id = message_id
        self.view = view
        self.text = ""
        self._pending: list[str] = []
        self._throttle = Throttle(flush_seconds)

    async def emit(self, event: str, data: dict[str, Any]) -> None:
        if event == "llm_token":
            piece = str(data.get("text", ""))
            self.text += piece
            self._pending.append(piece)
            if self._throttle.due():
                await self.flush()
            if self.view is not None:
                await self.view.text(self.text)
            return
        await self.flush()
        await self._write([(event, data)])
        if self.view is not None and event == "phase_started":
            await self.view.phase(str(data.get("phase", "")))

    async def flush(self) -> None:
        """The tokens not written yet, as one llm_token event."""
        if not self._pending:
            return
        text, self._pending = "".join(self._pending), []
        self._throttle.mark()
        await self._write([("llm_token", {"text": text})])

    async def _write(self, events: list[tuple[str, dict[str, Any]]]) -> None:
        async with self.units.unit_of_work() as session:
            await repo.add_events(session, self.chat_id, self.message_id,
                                  [(event, {**data, "message_id": self.message_id}) for event, data in events])
