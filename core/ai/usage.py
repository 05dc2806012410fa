"""Usage records: what each provider call cost, per user (/usage) and in total (admin stats)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai.models import AIUsage
from core.ai.types import Usage, UsageEvent
from core.db.engine import execute_core


class UsageLine(BaseModel):
    provider: str
    model: str
    operation: str
    calls: int
    input_tokens: int
    output_tokens: int
    audio_seconds: float


class UsageSummary(BaseModel):
    lines: list[UsageLine]
    total: Usage
    audio_seconds: float

    @property
    def is_empty(self) -> bool:
        return not self.lines


def _row(user_id: int | None, event: UsageEvent) -> AIUsage:
    return AIUsage(
        user_id=user_id, provider=event.provider, model=event.model[:64], operation=event.operation,
        input_tokens=event.usage.input_tokens, output_tokens=event.usage.output_tokens,
        calls=event.usage.calls or 1, audio_seconds=event.audio_seconds,
    )


async def record(session: AsyncSession, user_id: int | None, event: UsageEvent) -> None:
    session.add(_row(user_id, event))
    await session.flush()


_INSERT = insert(AIUsage)  # built once; a plain INSERT of the rows (no ORM flush: nothing reads them back here)


async def record_all(session: AsyncSession, user_id: int | None, events: Iterable[UsageEvent]) -> int:
    """Every job that calls a provider records its calls here, in the job's own unit of work."""
    rows = [{"user_id": user_id, "provider": e.provider, "model": e.model[:64], "operation": e.operation,
             "input_tokens": e.usage.input_tokens, "output_tokens": e.usage.output_tokens, "calls": e.usage.calls or 1,
             "audio_seconds": e.audio_seconds} for e in events]
    if rows:
        await execute_core(session, _INSERT, rows)
    return len(rows)


class DbUsageRecorder:
    """A provider usage recorder that adds a row to the caller's unit of work for every call.

    The rows commit (or roll back) with that unit of work. To keep the cost of a call that is followed by a
    failure, collect events with ``core.ai.provider.UsageCollector`` and ``record_all`` them in another one.
    """

    def __init__(self, session: AsyncSession, user_id: int | None) -> None:
        self._session = session
        self._user_id = user_id

    async def __call__(self, event: UsageEvent) -> None:
        await record(self._session, self._user_id, event)


async def _summary(session: AsyncSession, *, user_id: int | None, all_users: bool,
                   since: datetime | None) -> UsageSummary:
    stmt = (
        select(
            AIUsage.provider, AIUsage.model, AIUsage.operation,
            func.sum(AIUsage.calls), func.sum(AIUsage.input_tokens), func.sum(AIUsage.output_tokens),
            func.sum(AIUsage.audio_seconds),
        )
        .group_by(AIUsage.provider, AIUsage.model, AIUsage.operation)
        .order_by(AIUsage.provider, AIUsage.model, AIUsage.operation)
    )
    if not all_users:
        stmt = stmt.where(AIUsage.user_id == user_id)
    if since is not None:
        stmt = stmt.where(AIUsage.created_at >= since)
    lines = [
        UsageLine(provider=p, model=m, operation=o, calls=int(c or 0), input_tokens=int(i or 0),
                  output_tokens=int(out or 0), audio_seconds=round(float(a or 0.0), 3))
        for p, m, o, c, i, out, a in (await session.execute(stmt)).all()
    ]
    total = sum((Usage(input_tokens=x.input_tokens, output_tokens=x.output_tokens, calls=x.calls) for x in lines),
                Usage())
    return UsageSummary(lines=lines, total=total, audio_seconds=round(sum(x.audio_seconds for x in lines), 3))


async def summary_for_user(session: AsyncSession, user_id: int, *, since: datetime | None = None) -> UsageSummary:
    """One user's usage grouped by provider, model and operation (what /usage shows)."""
    return await _summary(session, user_id=user_id, all_users=False, since=since)


async def totals(session: AsyncSession, *, since: datetime | None = None) -> UsageSummary:
    """Everyone's usage, including calls made for no particular user (admin stats)."""
    return await _summary(session, user_id=None, all_users=True, since=since)
