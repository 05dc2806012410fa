"""Every app, wired in one place: its jobs, its listeners of item events, the chat adapter's presenters.

A new app adds its ``core/<app>/jobs.py`` ``register`` here, subscribes what it reacts to, and provides the presenter
a job of it needs (``core/<app>/presenter.py`` implemented in ``bot/<app>/views.py``). Its bot router goes into
``bot/dispatcher.py``, its HTTP router into ``webapp/app.py``.
"""

from __future__ import annotations

from bot.documents.views import DocumentsViews
from bot.items.views import ItemsViews
from bot.reminders.views import RemindersViews
from bot.topics.views import TopicsViews
from core.ask import jobs as ask_jobs
from core.calendar import jobs as calendar_jobs
from core.calendar.sync import on_item_changed as sync_calendar
from core.documents import jobs as documents_jobs
from core.documents.presenter import DOCUMENTS
from core.items import events
from core.items.events import ItemEvent
from core.items.presenter import ITEMS
from core.platform import jobs as platform_jobs
from core.presenters import Presenters
from core.queue.jobs import JobRegistry
from core.reminders import jobs as reminders_jobs
from core.reminders.presenter import REMINDERS
from core.reminders.schedule import on_item_changed as schedule_reminder
from core.runtime import Runtime
from core.topics import jobs as topics_jobs
from core.topics.presenter import TOPICS
from core.topics.service import on_item_created as file_note
from core.voice import jobs as voice_jobs

JOB_MODULES = (platform_jobs, voice_jobs, calendar_jobs, reminders_jobs, topics_jobs, ask_jobs, documents_jobs)


def register_jobs(registry: JobRegistry) -> None:
    for module in JOB_MODULES:
        module.register(registry)


def subscribe_listeners() -> None:
    """Who reacts to items. Idempotent (a process may build several runtimes, the tests do)."""
    events.subscribe(sync_calendar, ItemEvent.CHANGED, ItemEvent.DONE)  # first: as the hook did before
    events.subscribe(schedule_reminder, ItemEvent.CHANGED, ItemEvent.DONE)
    events.subscribe(file_note, ItemEvent.CREATED)


def provide_presenters(presenters: Presenters) -> None:
    presenters.provide(ITEMS, ItemsViews())
    presenters.provide(REMINDERS, RemindersViews())
    presenters.provide(TOPICS, TopicsViews())
    presenters.provide(DOCUMENTS, DocumentsViews())


def wire(runtime: Runtime) -> Runtime:
    """Every app into a freshly built runtime."""
    register_jobs(runtime.jobs)
    subscribe_listeners()
    provide_presenters(runtime.presenters)
    return runtime
