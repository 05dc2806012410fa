"""Filing jobs: classify and render a note, post its card into the forum topic of its class, confirm to the
user with buttons to move it; and the move itself.

Read → think → write, as in the voice job: the note is read in a short unit of work, the provider and the Bot
API (getChatMember, createForumTopic) are called outside any transaction, and the result is written with
``ctx.session`` (the job's unit of work, committed with the job's DONE mark). Cards and confirmations go
through the outbox. A topic is created at most once per class: a row in ``forum_topics`` without a thread id
is the creating job's claim (see ``core.topics.service.claim_topic``).
"""

from __future__ import annotations

import asyncio
import enum
import time
from dataclasses import dataclass
from datetime import timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import index
from core.ai.factory import ProviderChoice, build_provider, calls_out, choose
from core.ai.jobs import EmbedAlong
from core.ai.provider import UsageCollector
from core.ai.service import file_note
from core.ai.usage import record_all
from core.config import Settings
from core.db.base import utcnow
from core.db.engine import get_by_pk
from core.i18n import translator
from core.items.models import Item
from core.queue.jobs import JobContext, JobRegistry, UnitsOfWork
from core.telegram.gateway import TelegramGateway, TelegramRefused
from core.telegram.outbox import Outbox
from core.telegram.split import split_formatted
from core.topics import repository, service
from core.topics.models import NoteFiling
from core.topics.presenter import TOPICS
from core.users.models import User

log = structlog.get_logger(__name__)

TOPIC_WAIT_SECONDS = 20.0  # how long a job waits for another job to create the topic it needs
_POLL = 0.2


class TopicBusy(Exception):
    """Another job is still creating this topic; this job is retried later."""


class Target(enum.Enum):
    POSTED = "posted"
    NOT_MEMBER = "not_member"  # the user is not in the group: their note is not shown there
    REFUSED = "refused"  # Telegram refused (not a forum, the bot is no admin with "Manage topics")


@dataclass(frozen=True)
class Place:
    target: Target
    thread_id: int | None = None


async def ensure_topic(units: UnitsOfWork, telegram: TelegramGateway, group_id: int, kind: str, title: str) -> int:
    """The thread id of the topic of ``kind``, created on first use (createForumTopic, remembered)."""
    deadline = time.monotonic() + TOPIC_WAIT_SECONDS
    while True:
        async with units.unit_of_work() as session:
            claim = await service.claim_topic(session, group_id, kind, title, now=utcnow())
        if claim.thread_id is not None:
            return claim.thread_id
        if claim.claimed_id is not None:
            break
        if time.monotonic() > deadline:
            raise TopicBusy(f"topic {kind!r} of group {group_id} is being created by another job")
        await asyncio.sleep(_POLL)
    try:
        thread_id = await telegram.create_forum_topic(group_id, title)
    except BaseException:
        async with units.unit_of_work() as session:
            await service.release_topic(session, claim)
        raise
    # a crash right here leaves a topic on Telegram that we do not know of: the next job makes another one
    async with units.unit_of_work() as session:
        await service.topic_created(session, claim, thread_id)
    log.info("topics.created", group_id=group_id, kind=kind, thread_id=thread_id)
    return thread_id


async def find_place(ctx: JobContext, group_id: int, user_id: int, kind: str, language: str, *,
                     check_member: bool = True) -> Place:
    """Where the card of a note of ``kind`` goes: the topic's thread, or why it does not go to the group."""
    try:
        if check_member and not await ctx.telegram.is_member(group_id, user_id):
            log.info("topics.not_a_member", group_id=group_id, user_id=user_id)
            return Place(Target.NOT_MEMBER)
        thread_id = await ensure_topic(ctx.units, ctx.telegram, group_id, kind, service.topic_title(kind, language))
        return Place(Target.POSTED, thread_id)
    except TelegramRefused as exc:
        log.warning("topics.group_refused", group_id=group_id, error=exc.message)
        return Place(Target.REFUSED)


async def post_card(outbox: Outbox, group_id: int, thread_id: int, filing: NoteFiling) -> list[int]:
    """The card into the topic, in as many messages as its length needs; their outbox ids."""
    ids: list[int] = []
    parts, mode = split_formatted(service.card_html(filing), "HTML")
    for part in parts:
        outbox_id = await outbox.send_message(group_id, part, thread_id=thread_id, parse_mode=mode,
                                              ref=f"filing:{filing.id}")
        if outbox_id is not None:
            ids.append(outbox_id)
    return ids


@dataclass(frozen=True)
class NoteToFile:
    user: User
    text: str
    number: int
    language: str
    choice: ProviderChoice


async def note_to_file(session: AsyncSession, settings: Settings, item_id: int) -> NoteToFile | None:
    """What filing a note needs; None if it is gone or filed already."""
    item = await get_by_pk(session, Item, item_id)
    user = await get_by_pk(session, User, item.user_id) if item is not None else None
    if item is None or user is None or await repository.filing_of_item(session, item_id) is not None:
        return None
    return NoteToFile(user, item.text or item.title, item.number, user.language,
                      await choose(session, settings, user.id, "ai"))


async def file(ctx: JobContext) -> None:
    """Classify and render a note, embed the user's due texts beside it, store the filing; post its card when a forum
    group is set. Read in the job's own unit of work, which is committed before any network call (a remote provider,
    the group's topics): no transaction, nor SQLite's write lock, is held across one. With the offline provider and
    no group the filing is one transaction: read, classify, embed, store (it was a read unit and then this one)."""
    job, settings = ctx.job, ctx.settings
    item_id = int(job.payload["item_id"])
    usage = UsageCollector()
    session = ctx.session
    note = await note_to_file(session, settings, item_id)
    if note is None:  # gone or filed already: what the filing was to embed goes to the embedding job
        if job.user_id is not None:
            await index.enqueue_embedding(session, job.user_id)
        return
    user, text, number, language = note.user, note.text, note.number, note.language
    group_id = settings.telegram_group_id
    provider = build_provider(note.choice, settings, recorder=usage)  # built without a call
    try:
        along = await EmbedAlong.read(session, provider, user.id)  # the texts it embeds beside the filing
        if calls_out(note.choice) or group_id is not None:
            await session.commit()  # only read so far: the unit's writes begin after the calls
        filed = await file_note(provider, text, language=language)
        await along.embed(provider)
    finally:
        await provider.aclose()
    kind = filed.classification.kind
    place = await find_place(ctx, group_id, user.id, kind, language) if group_id is not None else None

    await record_all(session, user.id, usage.events)
    await along.store(session)
    filing = await service.record_filing(session, user_id=user.id, item_id=item_id, text=text, filed=filed)
    if group_id is None or place is None or place.target == Target.NOT_MEMBER:
        return  # stored only: the class and tags are in filed_notes
    t = translator(language)
    outbox = ctx.outbox()
    if place.target == Target.REFUSED or place.thread_id is None:
        await outbox.send_message(user.id, t("topics.group_refused", number=number), parse_mode=None)
        return
    ids = await post_card(outbox, group_id, place.thread_id, filing)
    confirm_id = await outbox.send_message(user.id, service.confirmation(filing, t), parse_mode=None,
                                           reply_markup=ctx.presenters.get(TOPICS).move_markup(filing, t),
                                           ref=f"item:{item_id}")
    service.mark_posted(filing, group_id=group_id, thread_id=place.thread_id, outbox_ids=ids, chat_id=user.id,
                        confirm_outbox_id=confirm_id,
                        expires_at=utcnow() + timedelta(seconds=settings.topic_confirm_ttl))
    await session.flush()


async def move(ctx: JobContext) -> None:
    job = ctx.job
    filing_id, kind = int(job.payload["filing_id"]), str(job.payload["kind"])
    async with ctx.units.unit_of_work() as read:
        found = await repository.filing(read, filing_id)
        user = await read.get(User, found.user_id) if found is not None else None
        if found is None or user is None or found.group_id is None:
            return
        group_id, language = found.group_id, user.language
    t = translator(language)
    place = await find_place(ctx, group_id, user.id, kind, language, check_member=False)

    session = ctx.session
    outbox = ctx.outbox()
    filing = await repository.filing(session, filing_id, lock=True)  # moves of one note queue up here
    if filing is None or filing.kind == kind:
        return
    if place.thread_id is None:
        await outbox.send_message(user.id, t("topics.move_refused"), parse_mode=None)
        return
    ids = await post_card(outbox, group_id, place.thread_id, filing)  # the new card first, then the old goes
    for old in filing.group_outbox_ids:
        await outbox.delete(group_id, outbox_id=old)
    service.mark_moved(filing, kind, place.thread_id, ids)
    await session.flush()
    if filing.chat_id is not None and filing.confirm_outbox_id is not None:
        markup = (ctx.presenters.get(TOPICS).move_markup(filing, t)
                  if service.buttons_valid(filing, utcnow()) else None)
        await outbox.edit_text(filing.chat_id, service.confirmation(filing, t, moved=True), parse_mode=None,
                               outbox_id=filing.confirm_outbox_id, reply_markup=markup)


async def on_dead(ctx: JobContext, error: str) -> None:
    """Out of attempts: the note itself is kept (it is an item); say that it was not filed. What a filing was to
    embed goes to the embedding job."""
    log.warning("topics.dead", job_id=ctx.job.id, kind=ctx.job.kind, error=error[:200])
    if ctx.job.kind == service.FILE_JOB and ctx.job.user_id is not None:
        await index.enqueue_embedding(ctx.session, ctx.job.user_id)
    user = await ctx.session.get(User, ctx.job.user_id) if ctx.job.user_id is not None else None
    if user is None:
        return
    t = translator(user.language)
    await ctx.outbox("dead-job").send_message(user.id, t("topics.failed"), parse_mode=None)


def register(registry: JobRegistry) -> None:
    registry.register(service.FILE_JOB, file, on_dead)
    registry.register(service.MOVE_JOB, move, on_dead)
