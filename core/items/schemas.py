"""What the items API takes and gives.

Dates, times and durations arrive as plain strings and integers: the service reads them (``core.items.actions``), so
that a bad value gets its own code and text (ERR_ITEM_BAD_DATE, …) rather than a generic validation error."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, StrictInt

from core.items.models import Item, PendingClarification
from core.items.render import clock, local_day, local_start

CalendarState = Literal["none", "synced", "pending", "failed"]


# --- requests ------------------------------------------------------------------------------------------

class ItemCreate(BaseModel):
    text: str = Field(min_length=1, max_length=4096, description="read exactly as a message to the bot is")


class ItemPatch(BaseModel):
    title: str | None = Field(default=None, description="1–500 characters")
    text: str | None = Field(default=None, description="at most 10 000 characters")
    kind: str | None = Field(default=None, description="note, task, meeting or reminder")


class ScheduleRequest(BaseModel):
    date: str | None = Field(default=None, description="YYYY-MM-DD in the user's time zone; left out: the next time "
                                                       "the clock shows `time` (as /set)", examples=["2030-05-17"])
    time: str = Field(description="HH:MM, 24-hour, in the user's time zone", examples=["09:30"])
    duration_min: StrictInt | None = Field(default=None, description="1–1440; left out: the item's, else 60 for a "
                                                                      "meeting")


class AnswerRequest(BaseModel):
    choice: str = Field(description='one of the question\'s `candidates` ("HH:MM"), "keep" (a passed time as it was '
                                    'said: `purpose` "past" only) or "cancel"', examples=["21:00"])


# --- responses -----------------------------------------------------------------------------------------

class QuestionOut(BaseModel):
    """The question the item waits on: pick one of ``candidates`` (or keep / cancel) with POST /items/{id}/answer."""

    purpose: Literal["time", "reschedule", "past"] = Field(
        description="time: a new item needs its time; reschedule: a new time was asked for; past: the time said has "
                    "passed (the candidate is its next occurrence; `keep` books it as said)")
    date: dt.date | None = Field(description="the day already known, in the user's time zone")
    candidates: list[str] = Field(description='"HH:MM" readings to pick from')
    expires_at: dt.datetime


class ItemOut(BaseModel):
    id: int
    number: int = Field(description="the #ID the chat shows")
    kind: Literal["note", "task", "meeting", "reminder"]
    status: Literal["inbox", "scheduled", "done", "cancelled"]
    title: str
    text: str
    source: str
    starts_at: dt.datetime | None = Field(description="UTC")
    date: dt.date | None = Field(description="the local day it is on (its start's, or the day it is due)")
    time: str | None = Field(description="HH:MM local start, when it has a time")
    duration_min: int | None
    remind_at: dt.datetime | None
    recurrence: str | None = Field(description="an RFC 5545 RRULE for a repeating item")
    calendar: CalendarState
    question: QuestionOut | None = Field(description="the open question it waits on, if any")
    created_at: dt.datetime
    updated_at: dt.datetime


class CreatedItemOut(ItemOut):
    result: Literal["created", "scheduled", "cancelled", "kept", "asked", "expired"] = Field(
        description="created: a new item (with `question` when it waits for a time); the others: the text answered "
                    "the question the user had open, as it would in the chat")


class ItemPage(BaseModel):
    items: list[ItemOut]
    page: int
    perPage: int  # noqa: N815 — the organizer contract's spelling
    total: int


class ItemStats(BaseModel):
    counts: dict[str, int] = Field(description="the user's items by status (every status, zeros included)")
    pending_calendar_count: int
    failed_calendar_count: int
    latest: list[ItemOut]


def calendar_state(value: str | None) -> CalendarState:
    if not value:
        return "none"
    return "pending" if value == "PENDING" else "failed" if value == "FAILED" else "synced"


def question_out(question: PendingClarification) -> QuestionOut:
    return QuestionOut(purpose=question.purpose, date=question.day,  # type: ignore[arg-type]
                       candidates=list(question.candidates), expires_at=question.expires_at)


def item_out(item: Item, tz: str, question: PendingClarification | None = None) -> ItemOut:
    start = local_start(item, tz)
    asked = question if question is not None and question.item_id == item.id else None
    return ItemOut(
        id=item.id, number=item.number, kind=item.kind, status=item.status,  # type: ignore[arg-type]
        title=item.title, text=item.text, source=item.source, starts_at=item.starts_at,
        date=local_day(item, tz), time=clock(start) if start is not None else None, duration_min=item.duration_min,
        remind_at=item.remind_at, recurrence=item.recurrence, calendar=calendar_state(item.calendar_event_id),
        question=question_out(asked) if asked is not None else None,
        created_at=item.created_at, updated_at=item.updated_at,
    )
