"""Items from outside the chat (the HTTP API and the agenda Mini App): the chat's rules, and the chat is told.

Each change goes through the same service the bot uses, inside the caller's unit of work, and then the user's private
chat gets (through the outbox) the reply the bot would have given had the change been made there: the same card, the
same question with its buttons. So the chat and the app never disagree, and the item events make calendar sync and
reminders follow as they do for the chat. A question answered here takes its buttons off its message in the chat.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from core.dates.parser import local_now, nearest_date
from core.db.values import storable_text
from core.i18n import Translator, translator
from core.items import questions, repository, service
from core.items.models import OPEN_STATUSES, Item, ItemStatus, PendingClarification
from core.items.presenter import ItemsPresenter
from core.items.render import local_day
from core.items.replies import QUESTION_REF, send_outcome
from core.items.schemas import (
    AnswerRequest,
    CreatedItemOut,
    ItemOut,
    ItemPage,
    ItemPatch,
    ItemStats,
    ScheduleRequest,
    item_out,
)
from core.items.service import ItemError
from core.presenters import Reply
from core.telegram.outbox import Outbox, outbox_by_ref
from core.users.models import User

MAX_PER_PAGE = 100
LATEST = 10
SORT_LIMIT = 5_000  # a date window is sorted by time in memory: at most this many items of one user in it
FIRST_YEAR, LAST_YEAR = 1900, 2999  # beyond them a local day cannot always be turned into UTC and back
MAX_DURATION = 24 * 60
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Caller:
    """Who acts, and how to answer them in the chat."""

    user: User
    presenter: ItemsPresenter
    ttl: int  # how long a question stays open (CLARIFICATION_TTL)

    @property
    def t(self) -> Translator:
        return translator(self.user.language)

    @property
    def tz(self) -> str:
        return self.user.timezone

    @property
    def chat_id(self) -> int:
        return self.user.id  # a user's private chat with the bot has their id


# --- reading the values the API is given --------------------------------------------------------------

def read_date(value: str) -> dt.date:
    """YYYY-MM-DD, a real day (ERR_ITEM_BAD_DATE)."""
    try:
        day = dt.date.fromisoformat(value) if _DATE.match(value) else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ItemError("ERR_ITEM_BAD_DATE", "a date is YYYY-MM-DD, a real day")
    return day


def read_time(value: str) -> dt.time:
    """HH:MM, 00:00–23:59 (ERR_ITEM_BAD_TIME)."""
    found = _TIME.match(value)
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise ItemError("ERR_ITEM_BAD_TIME", "a time is HH:MM, from 00:00 to 23:59")
    return dt.time(int(found[1]), int(found[2]))


def read_duration(value: int | None) -> int | None:
    """Whole minutes, 1–1440 (ERR_ITEM_BAD_DURATION); None: not given."""
    if value is not None and not 1 <= value <= MAX_DURATION:
        raise ItemError("ERR_ITEM_BAD_DURATION", f"a duration is 1 to {MAX_DURATION} minutes")
    return value


def _window(date_from: str | None, date_to: str | None, tz: str) -> repository.Window | None:
    if date_from is None and date_to is None:
        return None
    first = read_date(date_from) if date_from is not None else None
    last = read_date(date_to) if date_to is not None else None
    if first is not None and last is not None and first > last:
        raise ItemError("ERR_ITEM_BAD_RANGE", "dateFrom is after dateTo")
    start = service.start_at(first, dt.time(), tz) if first is not None else None
    end = service.start_at(last + dt.timedelta(days=1), dt.time(), tz) if last is not None else None
    return start, end, first, last


# --- views ------------------------------------------------------------------------------------------------

async def _open_question(session: AsyncSession, user_id: int, now: dt.datetime) -> PendingClarification | None:
    question = await repository.pending_for(session, user_id)
    return question if question is not None and question.expires_at > now else None


async def _view(session: AsyncSession, item: Item, tz: str, now: dt.datetime) -> ItemOut:
    return item_out(item, tz, await _open_question(session, item.user_id, now))


def _chronological(item: Item, tz: str) -> tuple[dt.date, bool, dt.datetime, int]:
    """By day; on a day, the items without a time first (as /today lists them), then by time."""
    start = item.starts_at or dt.datetime.min.replace(tzinfo=dt.UTC)
    return (local_day(item, tz) or dt.date.max, item.starts_at is not None, start, item.number)


async def list_items(session: AsyncSession, user: User, *, statuses: list[str], kind: str | None,
                     date_from: str | None, date_to: str | None, q: str | None, page: int, per_page: int,
                     now: dt.datetime) -> ItemPage:
    """The user's items, newest first; with a date window, in the order of the days and times they are on."""
    window = _window(date_from, date_to, user.timezone)
    words = storable_text(q).split() if q else []
    query = repository.filtered(user.id, statuses=statuses, kind=kind, window=window, words=words)
    total = await repository.count_of(session, query)
    offset = (page - 1) * per_page
    if window is None:
        items = await repository.all_of(session, query, offset=offset, limit=per_page)
    else:
        found = await repository.all_of(session, query, limit=SORT_LIMIT)
        items = sorted(found, key=lambda i: _chronological(i, user.timezone))[offset:offset + per_page]
    question = await _open_question(session, user.id, now)
    return ItemPage(items=[item_out(i, user.timezone, question) for i in items], page=page, perPage=per_page,
                    total=total)


async def get(session: AsyncSession, user: User, item_id: int, now: dt.datetime) -> ItemOut:
    item = await service.owned_by_id(session, user.id, item_id, lock=False)
    return await _view(session, item, user.timezone, now)


async def stats(session: AsyncSession, user: User, now: dt.datetime) -> ItemStats:
    """The organizer's /stats, for one user."""
    counts = {status.value: 0 for status in ItemStatus}
    counts.update(await repository.count_by_status(session, user.id))
    pending, failed = await repository.calendar_counts(session, user.id)
    question = await _open_question(session, user.id, now)
    latest = [item_out(i, user.timezone, question) for i in await repository.recent(session, user.id, LATEST)]
    return ItemStats(counts=counts, pending_calendar_count=pending, failed_calendar_count=failed, latest=latest)


# --- changes, each told in the chat --------------------------------------------------------------------

def _outbox(session: AsyncSession) -> Outbox:
    return Outbox(session, f"api:{uuid.uuid4().hex}")  # one request, one key prefix: nothing re-runs it


async def _say(session: AsyncSession, caller: Caller, item: Item, reply: Reply, *, asked: bool) -> None:
    """The reply in the chat; when the change closed a question about the item, its buttons come off first."""
    outbox = _outbox(session)
    if asked:
        message = await outbox_by_ref(session, caller.chat_id, f"{QUESTION_REF}{item.id}")
        if message is not None:
            await outbox.edit_markup(caller.chat_id, outbox_id=message)
    text, markup = reply
    await outbox.send_message(caller.chat_id, text, reply_markup=markup, parse_mode=None, ref=f"item:{item.id}")


async def _asked_about(session: AsyncSession, item: Item) -> bool:
    question = await repository.pending_for(session, item.user_id)
    return question is not None and question.item_id == item.id


async def create(session: AsyncSession, caller: Caller, text: str, now: dt.datetime) -> CreatedItemOut:
    """A text, exactly as if it were sent to the bot: a new item (asking for its time when that is unclear), or the
    answer to the question the user has open."""
    outcome = await questions.handle_text(session, caller.user.id, caller.tz, storable_text(text), now=now,
                                          ttl=caller.ttl, source="api")
    await send_outcome(session, _outbox(session), caller.presenter, caller.chat_id, outcome, caller.t, caller.tz,
                       reply_to=None)
    view = await _view(session, outcome.item, caller.tz, now)
    return CreatedItemOut(**view.model_dump(), result=outcome.result.value)


async def answer(session: AsyncSession, caller: Caller, item_id: int, request: AnswerRequest, now: dt.datetime
                 ) -> ItemOut:
    """A choice under the item's open question (a time of it, "keep" or "cancel"), as its button in the chat."""
    choice = request.choice.strip().casefold()
    keep = choice == "keep"
    minute: int | None = None
    if choice not in ("keep", "cancel"):
        time = read_time(choice)
        minute = time.hour * 60 + time.minute
    outcome = await questions.choose(session, caller.user.id, item_id, minute, caller.tz, now=now, ttl=caller.ttl,
                                     keep=keep)
    if outcome.result == questions.Result.EXPIRED:
        raise ItemError("ERR_QUESTION_EXPIRED", "no such question open", number=outcome.item.number)
    await send_outcome(session, _outbox(session), caller.presenter, caller.chat_id,
                       replace(outcome, answered=outcome.item.id), caller.t, caller.tz, reply_to=None)
    return await _view(session, outcome.item, caller.tz, now)


async def schedule(session: AsyncSession, caller: Caller, item_id: int, request: ScheduleRequest,
                   now: dt.datetime) -> ItemOut:
    """A date and time given outright, by /set's rules: no date is the next time the clock shows ``time``."""
    time = read_time(request.time)
    day = read_date(request.date) if request.date is not None else nearest_date(time, local_now(now, caller.tz))
    duration = read_duration(request.duration_min)
    item = await service.owned_by_id(session, caller.user.id, item_id)
    asked = await _asked_about(session, item)
    item = await service.reschedule(session, item, day, time, duration, caller.tz)
    await _say(session, caller, item, caller.presenter.card_reply(item, caller.t, caller.tz), asked=asked)
    return await _view(session, item, caller.tz, now)


async def update(session: AsyncSession, caller: Caller, item_id: int, patch: ItemPatch, now: dt.datetime
                 ) -> ItemOut:
    item = await service.owned_by_id(session, caller.user.id, item_id)
    title = storable_text(patch.title) if patch.title is not None else None
    text = storable_text(patch.text) if patch.text is not None else None
    item = await service.edit(session, item, title=title, text=text, kind=patch.kind)
    card, markup = caller.presenter.card_reply(item, caller.t, caller.tz)
    await _say(session, caller, item, (caller.t("items.edited", card=card), markup), asked=False)
    return await _view(session, item, caller.tz, now)


async def finish(session: AsyncSession, caller: Caller, item_id: int, action: str, now: dt.datetime) -> ItemOut:
    """``done``, ``skip`` or ``cancel``, as the buttons under a card (on a repeating item Done and Skip are this
    occurrence's: the item moves to the next one)."""
    item = await service.owned_by_id(session, caller.user.id, item_id)
    if item.status not in OPEN_STATUSES:  # the app acts on open items only (the chat shows no buttons on the rest)
        code = "ERR_ITEM_ALREADY_DONE" if item.status == ItemStatus.DONE else "ERR_ITEM_ALREADY_CANCELLED"
        raise ItemError(code, f"#{item.number} is {item.status} already", number=item.number)
    asked = await _asked_about(session, item)
    if action == "done":
        item = await service.mark_done(session, item, now)
    elif action == "skip":
        item = await service.skip(session, item, now)
    else:
        item = await service.cancel(session, item)
    reply = caller.presenter.changed_reply(item, caller.t, caller.tz, skipped=action == "skip")
    await _say(session, caller, item, reply, asked=asked)
    return await _view(session, item, caller.tz, now)


async def remove(session: AsyncSession, caller: Caller, item_id: int, now: dt.datetime) -> None:
    """DELETE: an open item is cancelled (its calendar event and reminder go; undo brings it back); a done or
    cancelled one stays as it is."""
    item = await service.owned_by_id(session, caller.user.id, item_id)
    if item.status in OPEN_STATUSES:
        await finish(session, caller, item_id, "cancel", now)


async def undo(session: AsyncSession, caller: Caller, item_id: int, now: dt.datetime) -> ItemOut:
    """The item's last change not undone yet is reverted (creating it: it is cancelled)."""
    item = await service.owned_by_id(session, caller.user.id, item_id)
    asked = await _asked_about(session, item)
    _, item = await service.undo(session, caller.user.id, now, item_id=item_id)
    card, markup = caller.presenter.card_reply(item, caller.t, caller.tz)
    await _say(session, caller, item, (caller.t("undo.done", card=card), markup), asked=asked)
    return await _view(session, item, caller.tz, now)
