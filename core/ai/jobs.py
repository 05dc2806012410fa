"""The ``search.embed`` job: embed a user's indexed texts (``core.ai.index``) with their provider, in batches, outside
any transaction (the provider may call a remote model); a full batch is saved in a short unit of work of its own, the
last one with the job's DONE mark, skipping texts that changed meanwhile."""

from __future__ import annotations

import structlog

from core.ai import index
from core.ai.factory import build_provider, choose
from core.ai.local_provider import MODEL as LOCAL_MODEL
from core.ai.provider import AIProvider, UsageCollector
from core.ai.usage import record_all
from core.queue.jobs import JobContext, JobRegistry

log = structlog.get_logger(__name__)
MAX_BATCHES = 100  # one run embeds at most this many batches; the rest waits for the next change or run


def model_name(provider: AIProvider) -> str:
    """What a vector was made with: vectors of different models are never compared."""
    return f"{provider.name}:{getattr(provider, 'embedding_model', LOCAL_MODEL)}"


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
            vectors = await provider.embed([content for _, content in due])
            rows = [(doc_id, content, vector.vector) for (doc_id, content), vector in zip(due, vectors, strict=True)]
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
