"""The one place where every app's job kinds are registered."""

from __future__ import annotations

from core.queue.jobs import JobRegistry


def register_all(registry: JobRegistry) -> None:
    from core.platform_jobs import register as register_platform

    register_platform(registry)
