"""Every app, wired in one place: its jobs, its listeners of item events, the chat adapter's presenters.

A new app adds its ``core/<app>/jobs.py`` ``register`` here, subscribes what it reacts to, and provides the presenter
a job of it needs (``core/<app>/presenter.py`` implemented in ``bot/<app>/views.py``). Its bot router goes into
``bot/dispatcher.py``, its HTTP router into ``webapp/app.py``.
"""

from __future__ import annotations

from bot.ask.views import AskViews
from bot.documents.views import DocumentsViews
from bot.items.views import ItemsViews
from bot.journal.views import JournalViews
from bot.reminders.views import RemindersViews
from bot.topics.views import TopicsViews
from core.ai import jobs as search_jobs
from core.ask import jobs as ask_jobs
from core.ask import sources as ask_sources
from core.ask.notes import on_item_changed as index_note
from core.ask.presenter import ASK
from core.calendar import jobs as calendar_jobs
from core.calendar.sync import on_item_changed as sync_calendar
from core.documents import jobs as documents_jobs
from core.documents.presenter import DOCUMENTS
from core.documents.retention import purge_events as purge_chat_events
from core.items import events
from core.items.events import ItemEvent
from core.items.presenter import ITEMS
from core.journal import analysis as journal_analysis
from core.journal import capture as journal_capture
from core.journal import jobs as journal_jobs
from core.journal import search as journal_search
from core.journal.presenter import JOURNAL
from core.platform import jobs as platform_jobs
from core.presenters import Presenters
from core.queue.jobs import JobRegistry
from core.queue.retention import add_purger
from core.reminders import jobs as reminders_jobs
from core.reminders.presenter import REMINDERS
from core.reminders.schedule import on_item_changed as schedule_reminder
from core.runtime import Runtime
from core.topics import jobs as topics_jobs
from core.topics.presenter import TOPICS
from core.topics.service import on_item_created as file_note
from core.voice import hooks as voice_hooks
from core.voice import jobs as voice_jobs

JOB_MODULES = (platform_jobs, voice_jobs, calendar_jobs, reminders_jobs, topics_jobs, ask_jobs, documents_jobs,
               search_jobs,
               journal_jobs, journal_analysis)


def register_jobs(registry: JobRegistry) -> None:
    for module in JOB_MODULES:
        module.register(registry)


async def journal_takes_voice(spoken: voice_hooks.Spoken) -> bool:
    """A spoken record ("потратил 450 на кофе") is a journal proposal, as the same text typed would be."""
    where = journal_capture.Chat(chat_id=spoken.chat_id, message_id=spoken.message_id, outbox=spoken.outbox,
                                 presenter=spoken.presenters.get(JOURNAL), t=spoken.t)
    return await journal_capture.take_text(spoken.session, spoken.settings, spoken.user, spoken.text, where,
                                           source="voice", now=spoken.now)


def subscribe_listeners() -> None:
    """Who reacts to items. Idempotent (a process may build several runtimes, the tests do)."""
    events.subscribe(sync_calendar, ItemEvent.CHANGED, ItemEvent.DONE)  # first: as the hook did before
    events.subscribe(schedule_reminder, ItemEvent.CHANGED, ItemEvent.DONE)
    events.subscribe(file_note, ItemEvent.CREATED)  # before the index: a note's filing embeds it (no embedding job)
    events.subscribe(index_note, ItemEvent.CREATED, ItemEvent.CHANGED, ItemEvent.DONE)  # /ask searches notes
    ask_sources.register_reader(journal_search.read_question)  # /ask's figures: the journal's sums and counts
    ask_sources.register_catch_up(journal_search.catch_up)  # entries written before the search index existed
    voice_hooks.subscribe(journal_takes_voice)


def provide_presenters(presenters: Presenters) -> None:
    presenters.provide(ITEMS, ItemsViews())
    presenters.provide(REMINDERS, RemindersViews())
    presenters.provide(TOPICS, TopicsViews())
    presenters.provide(DOCUMENTS, DocumentsViews())
    presenters.provide(ASK, AskViews())
    presenters.provide(JOURNAL, JournalViews())


def add_purgers() -> None:
    """The apps' rows that age out with the queue's (RETENTION_DAYS). Idempotent."""
    add_purger("chat_events", purge_chat_events)


def wire(runtime: Runtime) -> Runtime:
    """Every app into a freshly built runtime."""
    register_jobs(runtime.jobs)
    subscribe_listeners()
    add_purgers()
    provide_presenters(runtime.presenters)
    return runtime
