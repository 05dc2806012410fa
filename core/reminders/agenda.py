"""The daily agenda: one delayed job per user per day at the time they picked; each run queues the next."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import DomainError
from core.i18n import Translator
from core.items import queries, render
from core.queue.jobs import enqueue_job

AGENDA_JOB = "reminders.agenda"
_HHMM = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def parse_time(value: str) -> str:
    """"8:30" / "08.30" → "08:30"; anything else is ERR_AGENDA_TIME."""
    match = _HHMM.match(value.strip())
    if match is None:
        raise DomainError("ERR_AGENDA_TIME", "the agenda time is HH:MM, 24-hour")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def local_moment(day: dt.date, hhmm: str, tz: str) -> dt.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


def next_run(hhmm: str, tz: str, now: dt.datetime, *, after: dt.date | None = None) -> tuple[dt.date, dt.datetime]:
    """The first day (after ``after``, if given) whose ``hhmm`` in ``tz`` is still ahead of ``now``."""
    day = now.astimezone(ZoneInfo(tz)).date()
    if after is not None and day <= after:
        day = after + dt.timedelta(days=1)
    while (at := local_moment(day, hhmm, tz)) <= now:
        day += dt.timedelta(days=1)
    return day, at


async def enqueue_agenda(session: AsyncSession, user_id: int, day: dt.date, hhmm: str, at: dt.datetime,
                         now: dt.datetime) -> int | None:
    return await enqueue_job(
        session, AGENDA_JOB, {"user_id": user_id, "day": day.isoformat(), "time": hhmm, "at": at.isoformat()},
        key=f"agenda:{user_id}:{day.isoformat()}:{hhmm}", user_id=user_id, chat_id=user_id,
        delay=max(0.0, (at - now).total_seconds()),
    )


async def agenda_text(session: AsyncSession, user_id: int, t: Translator, tz: str, now: dt.datetime) -> str:
    """Today's plan, worded like /today."""
    days = await queries.agenda(session, user_id, tz, now, 1)
    today = now.astimezone(ZoneInfo(tz)).date()
    title = "🗓 " + t("agenda.today", day=render.day_header(today, t.language))
    if not days:
        return f"{title}\n{t('agenda.today_empty')}"
    return "\n".join([title, *(render.agenda_line(item, t, tz) for item in days[0][1])])
