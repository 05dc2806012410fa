"""Platform jobs: a no-op ping (used by health checks and tests)."""

from __future__ import annotations

from core.queue.jobs import JobContext, JobRegistry


async def ping(ctx: JobContext) -> None:
    """Answers a ping job with a message when a chat is given (proves the job path end to end)."""
    from core.telegram.outbox import Outbox

    if ctx.job.chat_id is not None:
        text = str(ctx.job.payload.get("text", "pong"))
        await Outbox(ctx.session, f"job:{ctx.job.id}").send_message(ctx.job.chat_id, text, parse_mode=None)


def register(registry: JobRegistry) -> None:
    registry.register("platform.ping", ping)
