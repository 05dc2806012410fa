"""/metrics of the web process: every family of core.metrics (the default registry, which in embedded mode also
holds the bot's and the jobs'), HTTP requests by route (prometheus-fastapi-instrumentator), and the queue gauges read
from the database at scrape time."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import REGISTRY, CollectorRegistry, Gauge, generate_latest
from prometheus_fastapi_instrumentator import Instrumentator, metrics
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.queue import inbox, jobs


def build_registry() -> CollectorRegistry:
    """The gauges read from the database; one registry per app (they describe the shared database, not a process)."""
    registry = CollectorRegistry()
    Gauge("secretary_inbox_updates", "Inbox updates by status", ["status"], registry=registry)
    Gauge("secretary_jobs", "Jobs by status", ["status"], registry=registry)
    Gauge("secretary_inbox_oldest_new_age_seconds",
          "How long the oldest update that is next in its chat has waited for a consumer (0: none waiting)",
          registry=registry)
    Gauge("secretary_inbox_last_stored_age_seconds", "Seconds since the last update was stored", registry=registry)
    return registry


# The HTTP families, registered once per process: every app built in it (the tests build many) records into them.
_HTTP = metrics.default()


def instrument(app: FastAPI) -> None:
    """Requests and their latency by route template (never by raw path: ids are not labels)."""
    instrumentator = Instrumentator(excluded_handlers=["/metrics"])
    if _HTTP is not None:
        instrumentator.add(_HTTP)
    instrumentator.instrument(app)


async def refresh_queue_gauges(session: AsyncSession, registry: CollectorRegistry) -> None:
    gauges = registry._names_to_collectors  # noqa: SLF001
    for status, n in (await inbox.count_by_status(session)).items():
        gauges["secretary_inbox_updates"].labels(status=status).set(n)  # type: ignore[attr-defined]
    for status, n in (await jobs.count_by_status(session)).items():
        gauges["secretary_jobs"].labels(status=status).set(n)  # type: ignore[attr-defined]
    oldest, last = await inbox.ingress_lag(session)
    now = utcnow()
    gauges["secretary_inbox_oldest_new_age_seconds"].set(  # type: ignore[attr-defined]
        (now - oldest).total_seconds() if oldest else 0)
    if last is not None:
        gauges["secretary_inbox_last_stored_age_seconds"].set((now - last).total_seconds())  # type: ignore[attr-defined]


def exposition(registry: CollectorRegistry) -> bytes:
    """This process's families, then the database's gauges."""
    return generate_latest(REGISTRY) + generate_latest(registry)
