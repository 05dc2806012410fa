"""The runtime: everything built once at startup (engine, sessions, Redis, job dispatch) and passed down."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.config import Settings
from core.db.engine import READ_ONLY, SessionFactory, make_engine, make_session_factory
from core.presenters import Presenters
from core.queue.jobs import (
    DEFERRED_KEY,
    PRECLAIM_KEY,
    JobClaim,
    JobContext,
    JobRegistry,
    drop_pending_jobs,
    insert_deferred,
    pop_pending_claims,
    pop_pending_jobs,
)
from core.telegram.gateway import NoTelegram, TelegramGateway
from core.telegram.outbox import DIRECT_KEY, DIRECT_ROWS_KEY, WAKE_KEY, DirectSender

if TYPE_CHECKING:  # redis is loaded only by a process that has REDIS_URL
    from redis.asyncio import Redis

log = structlog.get_logger(__name__)

JobDispatch = Callable[[list[int]], Awaitable[None]]
ClaimDispatch = Callable[[list[JobClaim]], None]


async def _no_dispatch(job_ids: list[int]) -> None:
    """Until a dispatcher is attached, jobs wait in the database for the sweeper/poller."""


def _idle_event() -> asyncio.Event:
    event = asyncio.Event()
    event.set()
    return event


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    session_factory: SessionFactory
    redis: Redis | None
    jobs: JobRegistry = field(default_factory=JobRegistry)
    # the process's Telegram client beyond the outbox (set by whoever owns the Bot) and the chat adapter's presenters
    telegram: TelegramGateway = field(default_factory=NoTelegram)
    presenters: Presenters = field(default_factory=Presenters)
    dispatch_jobs: JobDispatch = _no_dispatch
    # Set by a runner in this process that runs jobs as soon as they are committed (embedded mode): the jobs a unit of
    # work creates are then inserted already claimed by this process and handed over (jobs.PRECLAIM_KEY).
    dispatch_claims: ClaimDispatch | None = None
    outbox_listeners: list[Callable[[Collection[int]], None]] = field(default_factory=list)
    # The outbox sender, when this process runs one: a unit of work's first message to a chat whose rate-limit slot
    # is free is then inserted already SENDING and handed to it after the commit (core.telegram.outbox.DIRECT_KEY).
    outbox_direct: DirectSender | None = None
    inbox_listeners: list[Callable[[], None]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    # Set while this process's inbox consumers have nothing in flight. The in-process job runner waits for it (a
    # bounded while) before starting a job, so that replies to users go before background work on a busy core.
    inbox_idle: asyncio.Event = field(default_factory=_idle_event)

    def wake_outbox(self, chats: Collection[int] = ()) -> None:
        """Tell the sender that messages were committed (to these chats, due now; others it finds by scanning)."""
        for listener in self.outbox_listeners:
            listener(chats)

    def wake_inbox(self) -> None:
        for listener in self.inbox_listeners:
            listener()

    async def after_commit(self, session: AsyncSession) -> None:
        """Hand over what the committed unit of work produced: messages to send, then jobs to run (a reply's task
        starts first, so its request is on the wire before a job that starts with it takes the loop)."""
        direct = session.info.pop(DIRECT_ROWS_KEY, None)
        if direct and self.outbox_direct is not None:
            self.outbox_direct.deliver_claimed(direct)
        chats = session.info.pop(WAKE_KEY, None)
        if chats is not None:
            self.wake_outbox(chats)
        claims = pop_pending_claims(session)
        if claims and self.dispatch_claims is not None:
            self.dispatch_claims(claims)
        job_ids = pop_pending_jobs(session)
        if job_ids:
            try:
                await self.dispatch_jobs(job_ids)
            except Exception:  # the jobs are committed; the sweeper will dispatch them later
                log.exception("jobs.dispatch_failed", job_ids=job_ids)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """One transaction: commit on success (then dispatch), roll back on error (and drop the jobs)."""
        async with self.session_factory() as session:
            if self.dispatch_claims is not None:
                session.info[PRECLAIM_KEY] = self.settings.job_lease_seconds
            session.info[DEFERRED_KEY] = []
            if self.outbox_direct is not None:
                session.info[DIRECT_KEY] = self.outbox_direct
            try:
                yield session
                await insert_deferred(session)
                await session.commit()
            except BaseException:
                await session.rollback()
                drop_pending_jobs(session)
                session.info.pop(WAKE_KEY, None)
                session.info.pop(DIRECT_ROWS_KEY, None)  # never committed: nothing to send
                raise
            await self.after_commit(session)

    @asynccontextmanager
    async def read_only(self) -> AsyncIterator[AsyncSession]:
        """A transaction that only reads. On SQLite it does not take the write lock (BEGIN DEFERRED in WAL mode), so
        it neither waits for writers nor holds them up; a write in it would fail there. Nothing is committed."""
        async with self.session_factory(execution_options={READ_ONLY: True}) as session:
            yield session  # closing ends the transaction; what was read stays readable (not expired)

    def job_context(self, session: AsyncSession, job: JobClaim) -> JobContext:
        """The narrow view of this process that a job handler gets."""
        return JobContext(session=session, job=job, settings=self.settings, units=self, telegram=self.telegram,
                          presenters=self.presenters, cache=self.extras)

    async def close(self) -> None:
        await self.telegram.aclose()
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()


async def build_runtime(settings: Settings, *, null_pool: bool = False) -> Runtime:
    """The process's engine, sessions and Redis, with no app wired in yet (the composition root does that)."""
    engine = make_engine(settings.effective_database_url, pool_size=settings.database_pool_size, null_pool=null_pool)
    redis = _redis(settings.redis_url) if settings.redis_url else None
    return Runtime(settings=settings, engine=engine, session_factory=make_session_factory(engine), redis=redis)


def _redis(url: str) -> Redis:
    from redis.asyncio import Redis

    return Redis.from_url(url)
