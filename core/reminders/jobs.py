"""The reminder jobs: ``reminders.fire`` (one reminder moment of one item) and ``reminders.agenda``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.i18n import Translator, translator
from core.items import render
from core.items import service as items_service
from core.items.models import Item, ItemKind, ItemStatus
from core.queue.jobs import JobContext, JobRegistry
from core.reminders import agenda
from core.reminders.presenter import REMINDERS
from core.reminders.schedule import FIRE_JOB, moment, queue_next_occurrence
from core.users.models import User

log = structlog.get_logger(__name__)

LATE_AFTER = dt.timedelta(minutes=5)  # a reminder later than this says so


def reminder_text(item: Item, t: Translator, tz: str, now: dt.datetime, *, late: bool) -> str:
    today = now.astimezone(ZoneInfo(tz)).date()
    if item.kind == ItemKind.REMINDER:
        text = t("reminders.reminder", title=item.title or item.text, number=item.number)
    else:
        assert item.starts_at is not None
        minutes = round((item.starts_at - now).total_seconds() / 60)
        card = render.card(item, t, tz, today)
        text = t("reminders.upcoming", minutes=minutes, card=card) if minutes > 0 else t("reminders.now", card=card)
    return text + (t("reminders.late") if late else "")


async def _roll(session: AsyncSession, item: Item, occurrence: object, at: dt.datetime) -> None:
    """A repeating item still at an earlier occurrence moves on to the one this reminder is for."""
    if not occurrence or not item.recurrence or item.starts_at is None:
        return
    start = dt.datetime.fromisoformat(str(occurrence))
    if start > item.starts_at:
        previous = item.remind_at
        item.remind_at = at  # so that the reminders listener keeps this moment for the new start
        if not await items_service.roll_to(session, item, start):
            item.remind_at = previous


async def fire(ctx: JobContext) -> None:
    session = ctx.session
    item = await session.get(Item, int(ctx.job.payload["item_id"]))
    at = dt.datetime.fromisoformat(str(ctx.job.payload["at"]))
    if item is not None and item.status == ItemStatus.SCHEDULED:
        await _roll(session, item, ctx.job.payload.get("occurrence"), at)
    if (item is None or item.status != ItemStatus.SCHEDULED or item.remind_at is None
            or moment(item.remind_at) != at):
        log.info("reminders.stale", job_id=ctx.job.id)
        return
    user = await session.get(User, item.user_id)
    if user is None:
        return
    now = utcnow()
    t = translator(user.language)
    late = now - at > LATE_AFTER
    text = reminder_text(item, t, user.timezone, now, late=late)
    markup = ctx.presenters.get(REMINDERS).reminder_markup(item.id, t, repeating=bool(item.recurrence))
    await ctx.outbox().send_message(user.id, text, reply_markup=markup, parse_mode=None, ref=f"item:{item.id}")
    await queue_next_occurrence(session, item, user.timezone, user.reminder_minutes)
    log.info("reminders.fired", job_id=ctx.job.id, item_id=item.id, late=late)


async def _queue_next_agenda(ctx: JobContext, user: User, after: dt.date) -> None:
    if user.agenda_time is None:
        return
    now = utcnow()
    day, at = agenda.next_run(user.agenda_time, user.timezone, now, after=after)
    await agenda.enqueue_agenda(ctx.session, user.id, day, user.agenda_time, at, now)


async def send_agenda(ctx: JobContext) -> None:
    payload = ctx.job.payload
    user = await ctx.session.get(User, int(payload["user_id"]))
    if user is None or user.agenda_time != payload["time"]:
        return  # turned off or moved: the new time has its own job
    day = dt.date.fromisoformat(str(payload["day"]))
    now = utcnow()
    today = now.astimezone(ZoneInfo(user.timezone)).date()
    if today == day:  # a day late (the worker was down all day) is too late: that day is over
        t = translator(user.language)
        text = await agenda.agenda_text(ctx.session, user.id, t, user.timezone, now)
        if now - dt.datetime.fromisoformat(str(payload["at"])) > LATE_AFTER:
            text += t("reminders.late")
        await ctx.outbox().send_message(user.id, text, parse_mode=None)
    await _queue_next_agenda(ctx, user, day)


async def agenda_dead(ctx: JobContext, error: str) -> None:
    """Even if one day's agenda cannot be sent, the next days' still come."""
    user = await ctx.session.get(User, int(ctx.job.payload["user_id"]))
    if user is not None and user.agenda_time == ctx.job.payload["time"]:
        await _queue_next_agenda(ctx, user, dt.date.fromisoformat(str(ctx.job.payload["day"])))


def register(registry: JobRegistry) -> None:
    registry.register(FIRE_JOB, fire)
    registry.register(agenda.AGENDA_JOB, send_agenda, on_dead=agenda_dead)
