"""The ``search.embed`` job: embed a user's indexed texts (``core.ai.index``) with their provider, in batches, outside
any transaction (the provider may call a remote model); a full batch is saved in a short unit of work of its own, the
last one with the job's DONE mark, skipping texts that changed meanwhile.

``EmbedAlong``: the same for one batch, done by another job of the user that calls their provider anyway (the filing
of a new note, queued with ``index.embedded_by_job``): the texts are read with that job's reads, embedded beside its
call and stored with its write, which saves the embedding job's claim, provider choice and transactions."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import index
from core.ai.factory import build_provider, choose
from core.ai.local_provider import MODEL as LOCAL_MODEL
from core.ai.provider import AIProvider, UsageCollector
from core.ai.types import Embedding
from core.ai.usage import record_all
from core.logging import describe_error
from core.queue.jobs import JobContext, JobRegistry

log = structlog.get_logger(__name__)
MAX_BATCHES = 100  # one run embeds at most this many batches; the rest waits for the next change or run


def model_name(provider: AIProvider) -> str:
    """What a vector was made with: vectors of different models are never compared."""
    return f"{provider.name}:{getattr(provider, 'embedding_model', LOCAL_MODEL)}"


def rows_of(due: list[tuple[int, str]], vectors: list[Embedding]) -> list[tuple[int, str, list[float]]]:
    return [(doc_id, content, vector.vector) for (doc_id, content), vector in zip(due, vectors, strict=True)]


@dataclass
class EmbedAlong:
    """One batch of the user's due texts, embedded by a job that has their provider built anyway."""

    user_id: int
    model: str
    due: list[tuple[int, str]]
    rows: list[tuple[int, str, list[float]]] | None = None  # None: not embedded (nothing due, or the call failed)

    @classmethod
    async def read(cls, session: AsyncSession, provider: AIProvider, user_id: int) -> EmbedAlong:
        """In the job's read: what is due for this provider's model."""
        model = model_name(provider)
        return cls(user_id, model, await index.due_for_embedding(session, user_id, model, index.EMBED_BATCH))

    async def embed(self, provider: AIProvider) -> None:
        """Outside any transaction, after the job's own call. A failure is the embedding job's to retry (``store``),
        never the host job's: it does not fail for it."""
        if not self.due:
            return
        try:
            self.rows = rows_of(self.due, await provider.embed([content for _, content in self.due]))
        except Exception as exc:
            log.warning("search.embed_along_failed", user_id=self.user_id, error=describe_error(exc))

    async def store(self, session: AsyncSession) -> None:
        """With the job's write: the vectors; and the embedding job queued for what is left (a failed call, or a
        full batch: more may be due)."""
        if self.rows:
            await index.store_vectors(session, self.user_id, self.model, self.rows)
        if (self.due and self.rows is None) or len(self.due) >= index.EMBED_BATCH:
            await index.enqueue_embedding(session, self.user_id)


async def embed(ctx: JobContext) -> None:
    user_id = int(ctx.job.payload["user_id"])
    usage = UsageCollector()
    async with ctx.units.read_only() as read:  # reads take no write lock (SQLite) and wait for no writer
        provider = build_provider(await choose(read, ctx.settings, user_id, "ai"), ctx.settings, recorder=usage)
        model = model_name(provider)
        try:
            due = await index.due_for_embedding(read, user_id, model, index.EMBED_BATCH)
        except BaseException:
            await provider.aclose()
            raise
    done = 0
    try:
        for batch in range(MAX_BATCHES):
            if batch:
                async with ctx.units.read_only() as read:
                    due = await index.due_for_embedding(read, user_id, model, index.EMBED_BATCH)
            if not due:
                break
            rows = rows_of(due, await provider.embed([content for _, content in due]))
            done += len(due)
            if len(due) < index.EMBED_BATCH:  # the last batch: saved with the job's own DONE mark, one transaction
                await index.store_vectors(ctx.session, user_id, model, rows)
                break
            async with ctx.units.unit_of_work() as write:  # a long run saves what it did batch by batch
                await index.store_vectors(write, user_id, model, rows)
    finally:
        await provider.aclose()
        await record_all(ctx.session, user_id, usage.events)
    log.info("search.embedded", job_id=ctx.job.id, texts=done, provider=provider.name)


def register(registry: JobRegistry) -> None:
    registry.register(index.EMBED_JOB, embed)
