"""Text in, item out — asking only what is needed.

A text becomes an item (``capture``). A meeting or reminder without a certain time is saved in the inbox
and a question is asked: the concrete times to pick from (``candidates``), one pending question per user,
valid for ``ttl`` seconds. While it is pending, a text that is only about time answers it and creates
nothing; any other text is a new item and the question stays. An expired question is never applied.

A time that has already passed ("сегодня в 8 вечера" sent at 22:17) is never booked without a question
(``PAST``): the choices are its next occurrence (tomorrow at 20:00), the moment as said, another time, or Cancel.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from core.dates.model import ParsedDate
from core.dates.parser import local_now, nearest_date
from core.dates.recurrence import first_for_rule
from core.items import repository
from core.items.answers import Answer, AnswerKind, read_answer
from core.items.events import ItemEvent, publish
from core.items.models import (
    OPEN_STATUSES,
    ChangeAction,
    ClarificationPurpose,
    Item,
    ItemKind,
    ItemStatus,
    PendingClarification,
)
from core.items.render import clock, local_day
from core.items.service import (
    Origin,
    cancel,
    default_duration,
    log_change,
    new_item,
    owned_by_id,
    read,
    schedule,
    snapshot,
    start_at,
)

# Offered when no hour was said at all; a part of the day ("вечером") narrows them to one.
NO_TIME_CANDIDATES = {
    None: [dt.time(9), dt.time(13), dt.time(19)],
    "morning": [dt.time(9)], "day": [dt.time(13)], "evening": [dt.time(19)], "night": [dt.time(23)],
}
NEEDS_TIME = (ItemKind.MEETING, ItemKind.REMINDER)


class Result(enum.StrEnum):
    CREATED = "created"  # a new item (``question`` set when it waits for a time)
    SCHEDULED = "scheduled"  # the pending question was answered with a time
    CANCELLED = "cancelled"  # "Cancel" on a new item's question: the item is cancelled
    KEPT = "kept"  # "Cancel" on a reschedule question: the item stays as it was
    ASKED = "asked"  # a question is (again) open: ``question``
    EXPIRED = "expired"  # the answer came too late, or to a question that is no longer open
    EDITED = "edited"  # the item's message was edited: its words (and maybe its date) changed (``question`` if one)


@dataclass(frozen=True)
class Outcome:
    result: Result
    item: Item
    question: PendingClarification | None = None
    answered: int | None = None  # the item whose pending question this text answered (its buttons are done)


def times_of(question: PendingClarification) -> list[dt.time]:
    return [dt.time.fromisoformat(value) for value in question.candidates]


def _future(candidates: list[dt.time], day: dt.date | None, now: dt.datetime, tz: str) -> list[dt.time]:
    """The readings still ahead on a known day ("сегодня в 9" at 15:00 can only be 21:00)."""
    if day is None:
        return candidates
    return [c for c in candidates if start_at(day, c, tz) > now] or candidates


async def ask(session: AsyncSession, item: Item, purpose: ClarificationPurpose, *, day: dt.date | None,
              candidates: list[dt.time], duration_min: int | None, now: dt.datetime, ttl: int
              ) -> PendingClarification:
    """Open a question about ``item``; it replaces any question the user had pending."""
    await repository.drop_pending(session, item.user_id)
    question = PendingClarification(
        user_id=item.user_id, item_id=item.id, purpose=purpose, day=day, candidates=[clock(c) for c in candidates],
        duration_min=duration_min, expires_at=now + dt.timedelta(seconds=ttl),
    )
    session.add(question)
    await session.flush()
    return question


def is_past(day: dt.date, time: dt.time, tz: str, now: dt.datetime) -> bool:
    """Whether ``day`` at ``time`` is before the current minute."""
    return start_at(day, time, tz) < now.replace(second=0, microsecond=0)


async def ask_past(session: AsyncSession, item: Item, day: dt.date, time: dt.time, duration_min: int | None, *,
                   now: dt.datetime, ttl: int) -> Outcome:
    """The time said has passed: ask before booking it (the item keeps its state meanwhile)."""
    if item.status != ItemStatus.SCHEDULED:
        item.due_date = day
    question = await ask(session, item, ClarificationPurpose.PAST, day=day, candidates=[time],
                         duration_min=duration_min, now=now, ttl=ttl)
    return Outcome(Result.ASKED, item, question)


def next_occurrence(time: dt.time, tz: str, now: dt.datetime) -> dt.date:
    """The day a PAST question's first button books: the next time the clock shows ``time``."""
    return nearest_date(time, local_now(now, tz))


async def capture(session: AsyncSession, user_id: int, tz: str, text: str, *, now: dt.datetime, ttl: int,
                  source: str = "text", origin: Origin | None = None) -> Outcome:
    kind, title, parsed = read(text, now, tz)
    # the day and the rule its words say, in the INSERT: what _settle gives an item without a time (a scheduled one
    # gets an UPDATE for its time anyway)
    item = await new_item(session, user_id, kind, title, text, source=source, due_date=parsed.date,
                          recurrence=parsed.recurrence if kind != ItemKind.NOTE else None, origin=origin)
    return await _settle(session, item, kind, parsed, now=now, tz=tz, ttl=ttl, log=False)


async def _settle(session: AsyncSession, item: Item, kind: ItemKind, parsed: ParsedDate, *, now: dt.datetime,
                  tz: str, ttl: int, log: bool) -> Outcome:
    """Give an item (without a time yet) the date its words say: scheduled, a day, or a question."""
    if kind != ItemKind.NOTE and parsed.recurrence:
        item.recurrence = parsed.recurrence  # parsed.date is its first occurrence still ahead
    duration = parsed.duration_min or default_duration(kind)
    candidates = _future(parsed.candidates, parsed.date, now, tz)
    if kind != ItemKind.NOTE and (parsed.time is not None or len(candidates) == 1):
        time = parsed.time or candidates[0]
        day = parsed.date or nearest_date(time, local_now(now, tz))
        if is_past(day, time, tz, now):
            asked = await ask_past(session, item, day, time, duration, now=now, ttl=ttl)
            return Outcome(Result.CREATED, item, asked.question)
        await schedule(session, item, start_at(day, time, tz), duration, log=log)
        return Outcome(Result.CREATED, item)
    item.due_date = parsed.date
    if kind == ItemKind.NOTE or not (candidates or kind in NEEDS_TIME):
        await session.flush()
        return Outcome(Result.CREATED, item)
    offered = candidates or NO_TIME_CANDIDATES.get(parsed.part_of_day, NO_TIME_CANDIDATES[None])
    question = await ask(session, item, ClarificationPurpose.TIME, day=parsed.date, candidates=offered,
                         duration_min=duration, now=now, ttl=ttl)
    return Outcome(Result.CREATED, item, question)


async def ask_reschedule(session: AsyncSession, user_id: int, item_id: int, tz: str, *, now: dt.datetime,
                         ttl: int) -> Outcome:
    """The Reschedule button: the next text (a new time) moves the item; a bare time keeps its day."""
    item = await owned_by_id(session, user_id, item_id)
    day = local_day(item, tz)
    if day is not None and day < local_now(now, tz).date():
        day = None
    question = await ask(session, item, ClarificationPurpose.RESCHEDULE, day=day, candidates=[],
                         duration_min=item.duration_min or default_duration(item.kind), now=now, ttl=ttl)
    return Outcome(Result.ASKED, item, question)


async def _apply_time(session: AsyncSession, question: PendingClarification, item: Item, time: dt.time,
                      day: dt.date | None, duration_min: int | None, tz: str, now: dt.datetime, *, ttl: int,
                      keep: bool = False) -> Outcome:
    """Book the answer; a moment already past is asked about again (``PAST``), unless the user chose to keep it."""
    known = question.day if question.purpose != ClarificationPurpose.PAST or keep else None
    if item.recurrence and not keep:  # a repeating item starts at the first occurrence of the time picked
        local = local_now(now, tz)
        first = first_for_rule(item.recurrence, day or known or local.date(), time, local.replace(tzinfo=None))
        day = first.date() if first is not None else day
    day = day or known or nearest_date(time, local_now(now, tz))
    duration = duration_min or question.duration_min or item.duration_min or default_duration(item.kind)
    if not keep and is_past(day, time, tz, now):
        return await ask_past(session, item, day, time, duration, now=now, ttl=ttl)
    await schedule(session, item, start_at(day, time, tz), duration)
    return Outcome(Result.SCHEDULED, item)


async def _cancel(session: AsyncSession, question: PendingClarification, item: Item) -> Outcome:
    await repository.drop_pending(session, question.user_id)
    moving = question.purpose == ClarificationPurpose.PAST and item.status == ItemStatus.SCHEDULED
    if question.purpose == ClarificationPurpose.RESCHEDULE or moving or item.status == ItemStatus.CANCELLED:
        return Outcome(Result.KEPT, item)
    await cancel(session, item)
    return Outcome(Result.CANCELLED, item)


async def _ask_again(session: AsyncSession, question: PendingClarification, item: Item, answer: Answer, tz: str,
                     now: dt.datetime, ttl: int) -> Outcome:
    day = answer.day or question.day
    options = answer.candidates or times_of(question)
    candidates = _future(options, day, now, tz)
    if len(options) > 1 and len(candidates) == 1:  # the day leaves one reading ("сегодня" at 15:00: 21:00)
        return await _apply_time(session, question, item, candidates[0], day, answer.duration_min, tz, now,
                                 ttl=ttl)
    question.day = day
    question.candidates = [clock(c) for c in candidates]
    question.duration_min = answer.duration_min or question.duration_min
    question.expires_at = now + dt.timedelta(seconds=ttl)
    await session.flush()
    return Outcome(Result.ASKED, item, question)


async def handle_text(session: AsyncSession, user_id: int, tz: str, text: str, *, now: dt.datetime, ttl: int,
                      source: str = "text", origin: Origin | None = None) -> Outcome:
    """A text from the user: the answer to their pending question, or a new item (made of ``origin``)."""
    question = await repository.pending_for(session, user_id)
    if question is not None:
        answer = read_answer(text, now, tz, times_of(question))
        if answer.kind != AnswerKind.NONE:
            outcome = await _answer(session, question, answer, tz, now, ttl)
            return replace(outcome, answered=question.item_id)
        if question.expires_at <= now:
            await repository.drop_pending(session, user_id)
    return await capture(session, user_id, tz, text, now=now, ttl=ttl, source=source, origin=origin)


async def _answer(session: AsyncSession, question: PendingClarification, answer: Answer, tz: str,
                  now: dt.datetime, ttl: int) -> Outcome:
    item = await owned_by_id(session, question.user_id, question.item_id)
    if await repository.pending_for(session, question.user_id) is not question:  # answered meanwhile (the app)
        return Outcome(Result.EXPIRED, item)
    if question.expires_at <= now:
        await repository.drop_pending(session, question.user_id)
        return Outcome(Result.EXPIRED, item)
    if answer.kind == AnswerKind.CANCEL:
        return await _cancel(session, question, item)
    if answer.kind == AnswerKind.TIME and answer.time is not None:
        return await _apply_time(session, question, item, answer.time, answer.day, answer.duration_min, tz, now,
                                 ttl=ttl)
    return await _ask_again(session, question, item, answer, tz, now, ttl)


async def choose(session: AsyncSession, user_id: int, item_id: int, minute: int | None, tz: str, *,
                 now: dt.datetime, ttl: int = 3600, keep: bool = False) -> Outcome:
    """A button under a question: a time (minutes after midnight), Cancel (``None``), or — under a ``PAST``
    question — ``keep``: the moment as it was said, though it has passed."""
    item = await owned_by_id(session, user_id, item_id)
    question = await repository.pending_for(session, user_id)
    if keep:
        if question is None or question.purpose != ClarificationPurpose.PAST or not question.candidates:
            return Outcome(Result.EXPIRED, item)
        said = dt.time.fromisoformat(question.candidates[0])
        minute = said.hour * 60 + said.minute
    if minute is not None and not 0 <= minute < 24 * 60:
        return Outcome(Result.EXPIRED, item)  # not a button this bot made
    time = dt.time(minute // 60, minute % 60) if minute is not None else None
    stale = (question is None or question.item_id != item_id
             or (time is not None and clock(time) not in question.candidates))
    if question is None or stale:
        return Outcome(Result.EXPIRED, item)
    if question.expires_at <= now:
        await repository.drop_pending(session, user_id)
        return Outcome(Result.EXPIRED, item)
    if time is None:
        return await _cancel(session, question, item)
    return await _apply_time(session, question, item, time, None, None, tz, now, ttl=ttl, keep=keep)


def _when(parsed: ParsedDate) -> tuple[object, ...]:
    return parsed.date, parsed.time, tuple(parsed.candidates), parsed.duration_min, parsed.recurrence


async def reread(session: AsyncSession, item: Item, text: str, tz: str, *, said_at: dt.datetime, now: dt.datetime,
                 ttl: int) -> Outcome:
    """The message an item was made of was edited to ``text``: the item's words (title, text) follow; when the new
    words speak of another date or time than the old ones did, the item's date follows too, by the rules of a new
    text (a time already past is asked about, a vague one gets its question). Both texts are read as of ``said_at``,
    when the message was sent ("tomorrow" keeps meaning the day after it). A date change is in the undo log; a done
    or cancelled item only takes the new words."""
    kind, title, parsed = read(text, said_at, tz)
    before = read(item.text, said_at, tz)[2]
    item.text, item.title = text, title
    if item.status not in OPEN_STATUSES or _when(parsed) == _when(before):
        await session.flush()
        await publish(session, item, ItemEvent.CHANGED)
        return Outcome(Result.EDITED, item)
    state = snapshot(item)
    item.kind, item.status, item.recurrence = kind, ItemStatus.INBOX, None
    item.starts_at = item.due_date = item.remind_at = item.duration_min = None
    await repository.drop_pending(session, item.user_id, item.id)
    outcome = await _settle(session, item, kind, parsed, now=now, tz=tz, ttl=ttl, log=False)
    await session.flush()
    await log_change(session, item, ChangeAction.RESCHEDULE, state)
    if item.status != ItemStatus.SCHEDULED:  # ``schedule`` published the change of one that is
        await publish(session, item, ItemEvent.CHANGED)
    return replace(outcome, result=Result.EDITED)
