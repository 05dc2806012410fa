"""Prometheus metrics: queue depths read from the database at scrape time."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge
from sqlalchemy.ext.asyncio import AsyncSession

from core.queue import inbox, jobs


def build_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    Gauge("secretary_inbox_updates", "Inbox updates by status", ["status"], registry=registry)
    Gauge("secretary_jobs", "Jobs by status", ["status"], registry=registry)
    return registry


async def refresh_queue_gauges(session: AsyncSession, registry: CollectorRegistry) -> None:
    inbox_gauge = registry._names_to_collectors["secretary_inbox_updates"]  # noqa: SLF001
    jobs_gauge = registry._names_to_collectors["secretary_jobs"]  # noqa: SLF001
    for status, n in (await inbox.count_by_status(session)).items():
        inbox_gauge.labels(status=status).set(n)  # type: ignore[attr-defined]
    for status, n in (await jobs.count_by_status(session)).items():
        jobs_gauge.labels(status=status).set(n)  # type: ignore[attr-defined]
