"""Figures for GET /admin/stats (the contract in ARCHITECTURE.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import usage as ai_usage
from core.items import repository as items_repo
from core.queue import inbox, jobs
from core.telegram.models import OutboxMessage
from core.users import repository as users_repo


async def collect(session: AsyncSession, *, latest_n: int = 20) -> dict[str, Any]:
    pending_cal, failed_cal = await items_repo.calendar_counts(session)
    outbox_rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    ai = await ai_usage.totals(session)
    dead_updates, dead_updates_total = await inbox.dead(session, latest_n)
    dead_jobs, dead_jobs_total = await jobs.dead_jobs(session, latest_n)
    return {
        "ai_usage": {"calls": ai.total.calls, "input_tokens": ai.total.input_tokens,
                     "output_tokens": ai.total.output_tokens, "audio_seconds": ai.audio_seconds,
                     "by_model": [line.model_dump() for line in ai.lines]},
        "inbox": await inbox.count_by_status(session),
        "jobs": await jobs.count_by_status(session),
        "outbox": dict(outbox_rows.all()),
        "items_by_status": await items_repo.count_by_status(session),
        "pending_calendar_count": pending_cal,
        "failed_calendar_count": failed_cal,
        "users": await users_repo.count(session),
        "latest": [
            {
                "id": item.id, "user_id": item.user_id, "number": item.number, "kind": item.kind,
                "status": item.status, "title": item.title, "starts_at": item.starts_at.isoformat()
                if item.starts_at else None, "calendar_event_id": item.calendar_event_id,
                "created_at": item.created_at.isoformat(),
            }
            for item in await items_repo.latest(session, latest_n)
        ],
        "dead_updates": [
            {"id": u.id, "chat_id": u.chat_id, "update_id": u.update_id, "attempts": u.attempts,
             "last_error": (u.last_error or "")[:300], "died_at": u.updated_at.isoformat()}
            for u in dead_updates
        ],
        "dead_updates_total": dead_updates_total,
        "dead_jobs": [
            {"id": j.id, "kind": j.kind, "user_id": j.user_id, "attempts": j.attempts,
             "last_error": (j.last_error or "")[:300], "died_at": j.updated_at.isoformat()}
            for j in dead_jobs
        ],
        "dead_jobs_total": dead_jobs_total,
    }
