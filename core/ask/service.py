"""/ask: what answers a question over the user's own history — the figure an app computes from its tables (the
journal's sums and counts, ``core.ask.sources``) and the entries and notes hybrid retrieval finds (``core.ai.index``)
— and how a streamed answer is shown (throttled edits of one message). The answer is the ``ask.answer`` job
(``core.ask.jobs``); ``POST /api/v1/ai/search`` and ``ai/chat`` answer the same way without streaming."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import index
from core.ai.errors import AIProviderError
from core.ai.factory import build_provider, choose
from core.ai.index import Fact, Hit
from core.ai.jobs import model_name
from core.ai.local_provider import rank_by_overlap
from core.ai.provider import AIProvider, UsageCollector
from core.ai.usage import record_all
from core.ask import sources
from core.config import Settings
from core.i18n import Translator, translator
from core.items import repository
from core.items.models import Item
from core.queue.jobs import enqueue_job
from core.telegram.live import CURSOR, Throttle, edit_interval, preview
from core.users.models import User

log = structlog.get_logger(__name__)

__all__ = ["CURSOR", "Throttle", "edit_interval", "preview"]  # how an answer is shown: core.telegram.live

ASK_JOB = "ask.answer"
SCANNED_ITEMS = 500  # the user's latest items searched for context
ITEM_CHARS = 600  # one item in the context, at most
CONTEXT_CHARS = 6000  # the whole context, at most
SHOWN_BY_LOCAL = 5  # texts the offline answer lists


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
    for position in ranked:
        size += len(lines[position])
        if chosen and size > CONTEXT_CHARS:
            break
        chosen.append(lines[position])
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


# --- hybrid retrieval over entries and notes -------------------------------------------------------------------------

@dataclass
class Retrieval:
    hits: list[Hit]  # what retrieval found, best first
    fact: Fact | None = None  # an exact figure (or just filters) an app computed for the question
    fact_docs: list[Hit] = field(default_factory=list)  # the texts the figure is made of

    @property
    def cited(self) -> list[Hit]:
        """What the answer cites: the texts the figure is made of (when there is one), else the best hits."""
        seen: set[tuple[str, int]] = set()
        out: list[Hit] = []
        for hit in self.fact_docs or self.hits:
            if (hit.source, hit.source_id) not in seen:
                seen.add((hit.source, hit.source_id))
                out.append(hit)
        return out


async def question_vector(provider: AIProvider, question: str) -> tuple[list[float] | None, str]:
    """The question embedded by the user's provider, and the model's name; None when the provider fails (the
    full text still answers)."""
    try:
        vectors = await provider.embed([question])
    except AIProviderError as exc:
        log.warning("ask.embed_failed", provider=exc.provider, code=exc.code)
        return None, model_name(provider)
    except (ValueError, TypeError) as exc:  # an answer that is not a vector: the full text answers alone
        log.warning("ask.embed_unreadable", provider=provider.name, error=type(exc).__name__)
        return None, model_name(provider)
    return (vectors[0].vector if vectors else None), model_name(provider)


async def retrieve(session: AsyncSession, user: User, question: str, *, now: dt.datetime,
                   vector: list[float] | None, model: str | None, limit: int,
                   newest_if_none: bool = False) -> Retrieval:
    """Everything scoped to ``user``: their figure, their texts. ``newest_if_none``: when nothing matches, the
    newest texts (a model may still make sense of "what did I write last?"; a list of them would mislead)."""
    fact = await sources.read_question(session, user, question, now)
    hits = await index.search(session, user.id, question, query_vector=vector, model=model, limit=limit)
    if newest_if_none and not hits and (fact is None or fact.kind is None):
        hits = await index.latest(session, user.id, limit)
    fact_docs = await index.docs(session, user.id, fact.source, fact.source_ids) if fact and fact.kind else []
    return Retrieval(hits=hits, fact=fact, fact_docs=fact_docs)


def hit_line(hit: Hit) -> str:
    text = " — ".join(p for p in (hit.title, hit.body) if p)
    text = " ".join(text.split())
    if len(text) > ITEM_CHARS:
        text = text[: ITEM_CHARS - 1].rstrip() + "…"
    day = f" ({hit.day:%Y-%m-%d})" if hit.day else ""
    return f"#{hit.number}{day} {text}" if hit.source == "note" else f"📒 #{hit.number}{day} {text}"


def money(totals: list[tuple[str, float]]) -> str:
    return ", ".join(f"{amount:,.2f}".replace(",", " ").removesuffix(".00") + f" {currency}"
                     for currency, amount in totals)


def fact_sentence(fact: Fact, t: Translator) -> str:
    """The figure in the second person, as computed (no model involved)."""
    where = "; ".join(fact.labels) or t("ask.fact.everything")
    if fact.kind == "sum":
        if not fact.totals:
            return t("ask.fact.sum_none", where=where)
        return t("ask.fact.sum", total=money(fact.totals), count=fact.count, where=where)
    return t("ask.fact.count", count=fact.count, where=where)


def context_lines(found: Retrieval, t: Translator) -> list[str]:
    lines: list[str] = []
    if found.fact is not None and found.fact.kind is not None:
        lines.append(t("ask.fact.context", fact=fact_sentence(found.fact, t)))
    size = 0
    for hit in found.cited:
        line = hit_line(hit)
        size += len(line)
        if lines and size > CONTEXT_CHARS:
            break
        lines.append(line)
    return lines


async def offline_answer(found: Retrieval, t: Translator) -> AsyncIterator[str]:
    """The ``local`` provider's answer: no model, so it says so and shows what retrieval found, as found."""
    yield t("ask.local.intro")
    if found.fact is not None and found.fact.kind is not None:
        yield "\n\n" + fact_sentence(found.fact, t)
    shown = found.cited[:SHOWN_BY_LOCAL]
    if not shown:
        yield "\n\n" + t("ask.local.nothing")
        return
    yield "\n\n" + t("ask.local.found")
    for position, hit in enumerate(shown, start=1):
        yield f"\n[{position}] {hit_line(hit)}"


def lead(found: Retrieval, t: Translator) -> str:
    """What a cloud answer starts with: the computed figure, so that a model never states it on its own."""
    if found.fact is not None and found.fact.kind is not None:
        return fact_sentence(found.fact, t) + "\n\n"
    return ""


@dataclass(frozen=True)
class Reply:
    """``POST /api/v1/ai/search`` and ``ai/chat``: the text, the filters the question names (the entry list's
    query names), and the ids of the entries it rests on (best first)."""

    response: str
    suggested_filters: dict[str, object]
    entry_ids: list[int]


def search_text(found: Retrieval, t: Translator) -> str:
    entries = sum(1 for hit in found.cited if hit.source == "entry")
    parts = [fact_sentence(found.fact, t)] if found.fact is not None and found.fact.kind is not None else []
    parts.append(t("ask.search.found", count=entries) if entries else t("ask.local.nothing"))
    return " ".join(parts)


async def reply(session: AsyncSession, settings: Settings, user: User, question: str, *, now: dt.datetime,
                chat: bool) -> Reply:
    """Search: the figure and what was found, no model call beyond the question's embedding. Chat: the answer as
    /ask gives it (the offline provider's lists what was found and says it is no model)."""
    t = translator(user.language)
    await sources.catch_up(session, user.id)
    usage = UsageCollector()
    provider = build_provider(await choose(session, settings, user.id, "ai"), settings, recorder=usage)
    try:
        vector, model = await question_vector(provider, question)
        found = await retrieve(session, user, question, now=now, vector=vector, model=model,
                               limit=settings.ask_context_items, newest_if_none=chat and provider.name != "local")
        if not chat:
            text = search_text(found, t)
        else:
            local = provider.name == "local"
            stream = offline_answer(found, t) if local else \
                provider.answer(question, context_lines(found, t), language=user.language)
            text = ("" if local else lead(found, t)) + "".join([piece async for piece in stream])
    finally:
        await provider.aclose()
        await record_all(session, user.id, usage.events)
    filters = dict(found.fact.filters) if found.fact is not None else {}
    return Reply(response=text.strip(), suggested_filters=filters,
                 entry_ids=[hit.source_id for hit in found.cited if hit.source == "entry"])
