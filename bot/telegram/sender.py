"""The outbox sender: delivers queued Bot API calls within Telegram's limits and never drops one.

Each chat is drained in order by its own task; chats run in parallel. A 429 waits out ``retry_after``;
network and 5xx errors back off and retry; a request Telegram refuses for good (400/403) is DEAD. A reply that
ends DEAD (refused, or out of attempts) gets its user a short note that it was lost (see ``SenderStore``); a 403
does not: the bot cannot write to that chat at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from datetime import timedelta
from typing import Any

import structlog
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    SendChatAction,
    SendMessage,
    TelegramMethod,
)
from pydantic import ValidationError

from core.db.base import utcnow
from core.db.engine import SessionFactory
from core.metrics import (
    OUTBOX_FAILED,
    OUTBOX_RETRIES,
    OUTBOX_RETRY_AFTER,
    OUTBOX_SENT,
    OUTBOX_WAIT,
    observe_since,
)
from core.queue.backoff import backoff_seconds
from core.telegram.limiter import RateLimiter
from core.telegram.models import OutboxStatus
from core.telegram.outbox import Claimed
from core.telegram.sender_store import SenderStore

log = structlog.get_logger(__name__)

METHODS: dict[str, type[TelegramMethod[Any]]] = {
    "sendMessage": SendMessage,
    "editMessageText": EditMessageText,
    "editMessageReplyMarkup": EditMessageReplyMarkup,
    "deleteMessage": DeleteMessage,
    "sendChatAction": SendChatAction,
}
# A claim that took longer than this after its rate-limit slot moves the chat's next slot back (see left_late).
LATE_AFTER_SLOT = 0.02
HARMLESS_ERRORS = ("message is not modified", "message to delete not found", "message can't be deleted")
REPLIES = ("sendMessage", "editMessageText")  # what a user waits to read: losing one is reported to them


class OutboxSender:
    def __init__(self, bot: Bot, session_factory: SessionFactory, limiter: RateLimiter, *,
                 max_attempts: int = 20, poll_interval: float = 0.5, max_chats: int = 256,
                 lease_seconds: int = 60, default_language: str = "ru") -> None:
        self.bot = bot
        self.limiter = limiter
        self.max_attempts = max_attempts
        self.poll_interval = poll_interval
        self.max_chats = max_chats
        self.lease_seconds = lease_seconds
        self.wake = asyncio.Event()
        self.store = SenderStore(session_factory, lease_seconds=lease_seconds, default_language=default_language)
        self._chat_tasks: dict[int, asyncio.Task[None]] = {}
        self._pokes: set[int] = set()
        # rows a unit of work of this process inserted SENDING for us (see take_slot), by chat, with the time their
        # slot was taken; and the slot times taken for units not committed yet
        self._direct: dict[int, list[tuple[Claimed, float]]] = {}
        self._slots: dict[int, float] = {}
        self._stopping = False
        self.sent = 0

    def notify(self, chats: Collection[int] = ()) -> None:
        """A unit of work committed messages. Chats named here have one due now: they start at once (or, when
        their task is busy, it looks again before it ends); anything else is found by the run loop's scan."""
        if self._stopping:
            return
        if not chats:  # delayed messages, or a writer that does not say: scan
            self.wake.set()
            return
        for chat_id in chats:
            if chat_id in self._chat_tasks:
                self._pokes.add(chat_id)
            elif len(self._chat_tasks) < self.max_chats:
                self._start_chat(chat_id)
            else:  # every chat slot is busy: the scan picks this chat up when one frees
                self.wake.set()

    async def take_slot(self, chat_id: int) -> bool:
        """Whether a message a unit of work of this process is writing to this chat may go the moment it commits:
        this sender is not busy with the chat and has a rate-limit slot for it now (taken). The unit then inserts the
        row SENDING (unless the database holds an open message of the chat before it) and hands it over after the
        commit (``deliver_claimed``): no claim's transaction, no wake-up, no scan."""
        if self._stopping or chat_id in self._chat_tasks or chat_id in self._direct \
                or len(self._chat_tasks) >= self.max_chats:
            return False
        if not await self.limiter.try_acquire(chat_id):
            return False
        self._slots[chat_id] = asyncio.get_running_loop().time()
        return True

    def deliver_claimed(self, rows: list[Claimed]) -> None:
        """Send rows inserted SENDING under our lease by a unit of work that just committed (even while stopping:
        they are on their way to the wire, see ``stop``)."""
        loop = asyncio.get_running_loop()
        for row in rows:
            self._direct.setdefault(row.chat_id, []).append((row, self._slots.pop(row.chat_id, loop.time())))
            if row.chat_id in self._chat_tasks:
                self._pokes.add(row.chat_id)  # its task takes the row before it ends
            else:
                self._start_chat(row.chat_id)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        next_recover = loop.time()
        while not self._stopping:
            try:
                if loop.time() >= next_recover:
                    await self._recover()
                    next_recover = loop.time() + max(1.0, self.lease_seconds / 2)
                await self._spawn_chat_tasks()
            except Exception:  # the loop must survive a database hiccup
                log.exception("outbox.loop_error")
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=self.poll_interval)
            except TimeoutError:
                pass
            self.wake.clear()

    async def stop(self, grace: float = 5.0) -> None:
        """Let messages on the wire finish (so none is left in doubt), then stop."""
        self._stopping = True
        self.wake.set()
        tasks = list(self._chat_tasks.values())
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def drain(self, max_wait: float = 10.0) -> None:
        """Send everything that is due now (tests, shutdown)."""
        deadline = asyncio.get_running_loop().time() + max_wait
        while asyncio.get_running_loop().time() < deadline:
            await self._spawn_chat_tasks()
            if not self._chat_tasks:
                return
            await asyncio.gather(*self._chat_tasks.values(), return_exceptions=True)

    async def _recover(self) -> None:
        """Rows left SENDING by a crashed sender (lease expired) are in doubt.

        The rate limiter is passed *before* a row is marked SENDING, so a SENDING row was (almost surely)
        on the wire when the process died and Telegram has most likely delivered it. Sending it again would
        reply twice; so it is marked DOUBT (counted in /admin/stats, logged) instead of re-sent.
        """
        in_doubt = await self.store.mark_in_doubt()
        if in_doubt:
            OUTBOX_FAILED.labels(OutboxStatus.DOUBT.value).inc(in_doubt)
            log.warning("outbox.in_doubt", count=in_doubt)

    async def _spawn_chat_tasks(self) -> None:
        for chat_id in await self.store.due_chats(self.max_chats):
            if chat_id not in self._chat_tasks and len(self._chat_tasks) < self.max_chats:
                self._start_chat(chat_id)

    def _start_chat(self, chat_id: int) -> None:
        self._pokes.discard(chat_id)
        task = asyncio.create_task(self._drain_chat(chat_id))
        self._chat_tasks[chat_id] = task
        task.add_done_callback(self._forget_chat(chat_id))

    def _forget_chat(self, chat_id: int) -> Callable[[asyncio.Task[None]], None]:
        def _done(_task: asyncio.Task[None]) -> None:
            self._chat_tasks.pop(chat_id, None)
            if chat_id in self._direct or (chat_id in self._pokes and not self._stopping):
                self._start_chat(chat_id)  # told of a message while it was finishing

        return _done

    async def _drain_chat(self, chat_id: int) -> None:
        try:
            await self._drain_chat_loop(chat_id)
        except Exception:  # the run loop starts the chat again at its next wake-up; nothing is lost
            log.exception("outbox.chat_task_failed", chat_id=chat_id)

    async def _drain_chat_loop(self, chat_id: int) -> None:
        # A chat gets a task only when it has a due message, and after each delivery the next slot is taken only
        # if another one is due: a slot taken for nothing costs the whole bot 1/30 s of Telegram's overall limit.
        loop = asyncio.get_running_loop()
        while True:
            if direct := self._direct.get(chat_id):  # already SENDING, slot taken: straight to the wire
                row, slot_at = direct.pop(0)
                if not direct:
                    del self._direct[chat_id]
            elif self._stopping:
                return
            else:
                await self.limiter.acquire(chat_id)  # wait for a slot first: a SENDING row is then on the wire
                slot_at = loop.time()
                claimed = await self.store.claim_head(chat_id)
                if claimed is None:
                    return
                row = claimed
            if (late := loop.time() - slot_at) > LATE_AFTER_SLOT:
                await self.limiter.left_late(chat_id, late)
            due = await self._deliver(row)
            if due is None or (not due and not self._poked(chat_id)):
                return  # retried later (its chat waits for it: a chat's messages go in order), or nothing due

    def _poked(self, chat_id: int) -> bool:
        """Whether a commit told us of a new message for this chat while its task was busy."""
        if chat_id in self._pokes:
            self._pokes.discard(chat_id)
            return True
        return False

    async def _resolve(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        ref = payload.get("message_id_from_outbox")
        if ref is None:
            return payload
        target = await self.store.sent_message_of(int(ref))
        if target is None or target[0] == OutboxStatus.DEAD:
            return None
        if target[1] is None:
            raise LookupError("target message not sent yet")
        resolved = {k: v for k, v in payload.items() if k != "message_id_from_outbox"}
        resolved["message_id"] = target[1]
        return resolved

    async def _deliver(self, row: Claimed) -> bool | None:
        """Send one claimed row and record the outcome: whether its chat has another message due now, or None
        when the row was given back for a retry."""
        method_cls = METHODS.get(row.method)
        if method_cls is None:
            return await self._finish(row, OutboxStatus.DEAD, error=f"unknown method {row.method}")
        try:
            payload = await self._resolve(row.payload)
            if payload is None:
                return await self._finish(row, OutboxStatus.DEAD, error="the message to edit was never sent")
            result = await self.bot(method_cls(**payload))
        except TelegramRetryAfter as exc:
            OUTBOX_RETRY_AFTER.inc()
            log.warning("outbox.retry_after", chat_id=row.chat_id, retry_after=exc.retry_after)
            await self.limiter.penalize(row.chat_id, exc.retry_after)
            await self._retry(row, exc.retry_after, f"429 retry after {exc.retry_after}", count=False)
        except (TelegramBadRequest, TelegramForbiddenError, TelegramNotFound) as exc:
            if any(h in exc.message for h in HARMLESS_ERRORS):
                return await self._finish(row, OutboxStatus.SENT)
            log.error("outbox.refused", chat_id=row.chat_id, method=row.method, error=exc.message)
            return await self._finish(row, OutboxStatus.DEAD, error=exc.message,
                                      report=isinstance(exc, TelegramBadRequest) and row.method in REPLIES)
        except ValidationError as exc:  # a malformed request can never succeed
            log.error("outbox.invalid_request", chat_id=row.chat_id, method=row.method, errors=exc.error_count())
            return await self._finish(row, OutboxStatus.DEAD, error=f"invalid request: {exc.error_count()} errors",
                                      report=row.method in REPLIES)
        except (TelegramNetworkError, TelegramServerError, LookupError, OSError) as exc:
            OUTBOX_RETRIES.inc()
            delay = backoff_seconds(row.attempts, 0.5, 30.0)
            await self._retry(row, delay, str(exc))
        except Exception as exc:  # an unexpected error must not lose the message
            log.exception("outbox.unexpected", chat_id=row.chat_id, method=row.method)
            await self._retry(row, backoff_seconds(row.attempts, 1.0, 60.0), repr(exc))
        else:
            self.sent += 1
            OUTBOX_SENT.labels(row.method).inc()
            observe_since(OUTBOX_WAIT, row.available_at)
            return await self._finish(row, OutboxStatus.SENT, message_id=getattr(result, "message_id", None))
        return None

    async def _finish(self, row: Claimed, status: OutboxStatus, *, error: str | None = None,
                      message_id: int | None = None, report: bool = False) -> bool:
        if status == OutboxStatus.DEAD:
            OUTBOX_FAILED.labels(OutboxStatus.DEAD.value).inc()
        # A row that went straight to the wire had nothing open before it when its unit of work wrote it: unless a
        # commit of this process told us of another message since, there is none to ask the database for (one
        # written by another process meanwhile is found by the run loop's scan).
        check = not row.direct or row.chat_id in self._pokes
        self._pokes.discard(row.chat_id)  # the check for a next message below sees whatever was committed so far
        return await self.store.finish(row, status, error=error, message_id=message_id, report=report,
                                       then_check=check)

    async def _retry(self, row: Claimed, delay: float, error: str, *, count: bool = True) -> None:
        dead = count and row.attempts >= self.max_attempts
        if dead:
            OUTBOX_FAILED.labels(OutboxStatus.DEAD.value).inc()
            log.error("outbox.dead", chat_id=row.chat_id, method=row.method, attempts=row.attempts)
        await self.store.retry(row, status=OutboxStatus.DEAD if dead else OutboxStatus.PENDING, error=error,
                               available_at=utcnow() + timedelta(seconds=delay), count=count,
                               report=row.method in REPLIES)
        if dead:
            self.wake.set()  # the note about the lost reply is due now
        else:
            loop = asyncio.get_running_loop()
            loop.call_later(delay, self.wake.set)
