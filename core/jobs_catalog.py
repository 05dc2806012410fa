"""The one place where every app's job kinds are registered."""

from __future__ import annotations

from core.queue.jobs import JobRegistry


def register_all(registry: JobRegistry) -> None:
    """The composition root of jobs: core apps' jobs, and the bot's jobs that reply in chat (voice)."""
    from bot.jobs.answers import register as register_answers
    from bot.jobs.filing import register as register_filing
    from bot.jobs.voice import register as register_voice
    from core.calendar.jobs import register as register_calendar
    from core.platform_jobs import register as register_platform
    from core.reminders.jobs import register as register_reminders

    register_platform(registry)
    register_voice(registry)
    register_calendar(registry)
    register_reminders(registry)
    register_filing(registry)
    register_answers(registry)
