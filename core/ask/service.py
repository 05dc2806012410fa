"""/ask: which of a user's items answer a question (keyword overlap, capped), and how often a streamed answer
may be shown (throttled edits of one message). The answer itself is the ``ask.answer`` job (``core.ask.jobs``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.ai.local_provider import rank_by_overlap
from core.items import repository
from core.items.models import Item
from core.queue.jobs import enqueue_job
from core.telegram.live import CURSOR, Throttle, edit_interval, preview

__all__ = ["CURSOR", "Throttle", "edit_interval", "preview"]  # how an answer is shown: core.telegram.live

ASK_JOB = "ask.answer"
SCANNED_ITEMS = 500  # the user's latest items searched for context
ITEM_CHARS = 600  # one item in the context, at most
CONTEXT_CHARS = 6000  # the whole context, at most


def item_line(item: Item) -> str:
    text = " ".join((item.text or item.title).split())
    if len(text) > ITEM_CHARS:
        text = text[: ITEM_CHARS - 1].rstrip() + "…"
    return f"#{item.number} ({item.created_at:%Y-%m-%d}) {text}"


def pick_context(question: str, lines: list[str], limit: int) -> list[str]:
    """The ``limit`` lines sharing the most words with the question (newest first among equals); with no
    overlap at all, the newest lines (questions like "what did I write last?"). At most CONTEXT_CHARS."""
    ranked = rank_by_overlap(question, lines)[:limit] or list(range(min(limit, len(lines))))
    chosen: list[str] = []
    size = 0
    for index in ranked:
        size += len(lines[index])
        if chosen and size > CONTEXT_CHARS:
            break
        chosen.append(lines[index])
    return chosen


async def context_for(session: AsyncSession, user_id: int, question: str, *, limit: int) -> list[str]:
    """The user's own items most relevant to the question (never anyone else's)."""
    items = await repository.recent(session, user_id, SCANNED_ITEMS)
    return pick_context(question, [item_line(i) for i in items], limit)


async def enqueue_answer(session: AsyncSession, *, user_id: int, chat_id: int, question: str,
                         placeholder_outbox_id: int | None, message_id: int, max_attempts: int) -> None:
    await enqueue_job(session, ASK_JOB, {
        "chat_id": chat_id, "question": question, "placeholder_outbox_id": placeholder_outbox_id,
        "message_id": message_id,
    }, key=f"{ASK_JOB}:{chat_id}:{message_id}", user_id=user_id, chat_id=chat_id, max_attempts=max_attempts)
