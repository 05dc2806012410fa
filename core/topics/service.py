"""Filing rules: queue the filing of a note, remember its class and card, find or claim the forum topic of a
class, and move a filed note to another topic while its buttons are valid. Services flush, never commit."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import index
from core.ai.service import FiledNote
from core.ai.types import NOTE_KINDS, default_topic
from core.errors import DomainError
from core.i18n import Translator
from core.items.models import Item, ItemKind
from core.queue.jobs import enqueue_at_commit, enqueue_job
from core.telegram.markdown import markdown_to_html
from core.topics import repository
from core.topics.models import NoteFiling

FILE_JOB = "topics.file"
MOVE_JOB = "topics.move"
CLAIM_STALE = dt.timedelta(seconds=60)  # a topic claim older than this belongs to a job that died

ERR_MOVE_EXPIRED = "ERR_TOPIC_MOVE_EXPIRED"
ERR_NOTE_GONE = "ERR_TOPIC_NOTE_GONE"
ERR_SAME_TOPIC = "ERR_TOPIC_SAME"


class TopicError(DomainError):
    """ERR_TOPIC_MOVE_EXPIRED (the move buttons are older than TOPIC_CONFIRM_TTL), ERR_TOPIC_NOTE_GONE (no
    such filed note of this user, or it was never posted), ERR_TOPIC_SAME (it is in that topic already)."""

    def __init__(self, code: str, message: str = "", **params: Any) -> None:
        super().__init__(code, message, **params)
        self.expired_buttons = code == ERR_MOVE_EXPIRED

    def text_params(self, language: str) -> dict[str, Any]:
        """``{topic}``: the title of the note's topic in the reader's language."""
        kind = self.params.get("kind")
        return {**self.params, "topic": topic_title(kind, language) if kind else ""}


def topic_title(kind: str, language: str) -> str:
    """The forum topic of a class: one topic per class, named in the language of whoever created it."""
    return default_topic(kind, language)


def other_kinds(kind: str) -> list[str]:
    """The classes a note of ``kind`` can be moved to."""
    return [k for k in NOTE_KINDS if k != kind]


async def on_item_created(session: AsyncSession, item: Item) -> None:
    """File a note when it is created: classify and render it, post it into its forum topic (with
    TELEGRAM_GROUP_ID set) and confirm to the user. Runs as a job after this unit of work commits; it embeds the
    user's new texts with the provider it calls anyway, so they queue no embedding job of their own (subscribed
    before the search index's listener, secretary/apps.py)."""
    if item.kind != ItemKind.NOTE:
        return
    index.embedded_by_job(session, item.user_id)
    await enqueue_at_commit(session, FILE_JOB, {"item_id": item.id}, key=f"{FILE_JOB}:{item.id}",
                      user_id=item.user_id, chat_id=item.user_id)


# --- the card and the confirmation -----------------------------------------------------------------

_NOT_IN_HASHTAG = re.compile(r"\W+")


def hashtag(tag: str) -> str:
    """``#word`` as Telegram links it: letters, digits and underscores only."""
    word = _NOT_IN_HASHTAG.sub("_", tag.strip().lstrip("#")).strip("_")
    return f"#{word}" if word else ""


def card_html(filing: NoteFiling) -> str:
    """The card posted into the topic (Telegram HTML): the title in bold, the summary and the note as the model's
    Markdown formats them, the tags. Repeats are left out."""
    title, summary, body = filing.title.strip(), filing.summary.strip(), filing.body.strip()
    parts = [f"<b>{html.escape(title, quote=False)}</b>"] if title else []
    if summary and summary != title and not body.startswith(summary):
        parts.append(markdown_to_html(summary))
    if body and body != title:
        parts.append(markdown_to_html(body))
    tags = " ".join(dict.fromkeys(t for t in (hashtag(tag) for tag in filing.tags) if t))
    if tags:
        parts.append(html.escape(tags, quote=False))
    return "\n\n".join(parts) or html.escape(filing.text, quote=False)


def confirmation(filing: NoteFiling, t: Translator, *, moved: bool = False) -> str:
    """What the user is told: the topic the note went into (and when simple rules, not AI, chose it)."""
    topic = topic_title(filing.kind, t.language)
    lines = [t("topics.moved" if moved else "topics.filed", topic=topic)]
    if filing.degraded_code and not moved:
        lines.append(t("topics.degraded"))
    return "\n".join(lines)


# --- filing -----------------------------------------------------------------------------------------

async def record_filing(session: AsyncSession, *, user_id: int, item_id: int | None, text: str,
                        filed: FiledNote) -> NoteFiling:
    c, r = filed.classification, filed.rendered
    filing = NoteFiling(
        user_id=user_id, item_id=item_id, text=text, kind=c.kind, topic=c.topic[:128],
        confidence=c.confidence, tags=list(dict.fromkeys([*r.tags, *c.tags]))[:8], title=r.title[:500],
        summary=r.summary, body=r.body_markdown, is_heuristic=c.is_heuristic or r.is_heuristic,
        degraded_code=filed.degraded.code if filed.degraded else None, group_outbox_ids=[],
    )
    session.add(filing)
    await session.flush()
    return filing


def mark_posted(filing: NoteFiling, *, group_id: int, thread_id: int, outbox_ids: list[int], chat_id: int,
                confirm_outbox_id: int | None, expires_at: dt.datetime) -> None:
    filing.group_id, filing.message_thread_id, filing.group_outbox_ids = group_id, thread_id, outbox_ids
    filing.chat_id, filing.confirm_outbox_id, filing.expires_at = chat_id, confirm_outbox_id, expires_at


def mark_moved(filing: NoteFiling, kind: str, thread_id: int, outbox_ids: list[int]) -> None:
    filing.kind, filing.message_thread_id, filing.group_outbox_ids = kind, thread_id, outbox_ids


def buttons_valid(filing: NoteFiling, now: dt.datetime) -> bool:
    return filing.expires_at is not None and now < filing.expires_at


async def request_move(session: AsyncSession, user_id: int, filing_id: int, kind: str, *, now: dt.datetime,
                       press_key: str, max_attempts: int) -> NoteFiling:
    """A move button was pressed: queue the move job (``press_key`` tells presses apart)."""
    filing = await repository.filing_of_user(session, user_id, filing_id)
    if filing is None or filing.group_id is None or kind not in NOTE_KINDS:
        raise TopicError(ERR_NOTE_GONE, "no such filed note")
    if not buttons_valid(filing, now):
        raise TopicError(ERR_MOVE_EXPIRED, "the move buttons expired", kind=filing.kind)
    if filing.kind == kind:
        raise TopicError(ERR_SAME_TOPIC, "already there", kind=kind)
    await enqueue_job(session, MOVE_JOB, {"filing_id": filing.id, "kind": kind},
                      key=f"{MOVE_JOB}:{filing.id}:{press_key}", user_id=user_id, chat_id=filing.chat_id,
                      max_attempts=max_attempts)
    return filing


# --- the topic of a class ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TopicClaim:
    """The outcome of looking for a topic: its thread (it exists), or ours to create, or someone else's."""

    thread_id: int | None = None
    claimed_id: int | None = None  # we must create it, then ``topic_created`` (or ``release_topic``)

    @property
    def busy(self) -> bool:
        return self.thread_id is None and self.claimed_id is None


async def claim_topic(session: AsyncSession, group_id: int, key: str, title: str, *, now: dt.datetime
                      ) -> TopicClaim:
    """The topic of ``key`` in the group; if it does not exist yet, a claim to create it (one job at a time).
    A claim older than CLAIM_STALE belongs to a job that died, and may be taken over."""
    row = await repository.topic(session, group_id, key)
    if row is None:
        claimed = await repository.insert_claim(session, group_id, key, title, now)
        return TopicClaim(claimed_id=claimed)
    if row.message_thread_id is not None:
        return TopicClaim(thread_id=row.message_thread_id)
    stale = row.created_at < now - CLAIM_STALE
    if stale and await repository.retake_claim(session, row.id, row.created_at, now):
        return TopicClaim(claimed_id=row.id)
    return TopicClaim()


async def topic_created(session: AsyncSession, claim: TopicClaim, thread_id: int) -> None:
    assert claim.claimed_id is not None
    await repository.set_thread(session, claim.claimed_id, thread_id)


async def release_topic(session: AsyncSession, claim: TopicClaim) -> None:
    """createForumTopic failed: let the next job try."""
    assert claim.claimed_id is not None
    await repository.drop_claim(session, claim.claimed_id)
