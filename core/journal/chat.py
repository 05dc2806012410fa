"""Where a chat message goes and what the journal reads out of it.

A message with a date or a time still ahead is a plan: it stays a secretary item (a task, a meeting, a reminder).
A record of something done, bought, spent or met becomes a journal proposal (by the user's routing setting); the
rest is a note as before. "вернуть Пете зарядку через неделю" is both: an entry (borrowed) and a reminder."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.ai.provider import AIProvider
from core.ai.types import EntryAnalysis
from core.dates.parser import local_now
from core.items import repository as items_repo
from core.items.answers import AnswerKind, read_answer
from core.items.models import ItemKind
from core.items.questions import times_of
from core.items.service import read as read_item
from core.journal import reading, service
from core.journal.models import Routing
from core.users.models import User

MAX_TEXT = 4000  # a Telegram message at most; longer text (a pasted article) is no record


@dataclass(frozen=True)
class Reading:
    """What a text says for the journal: its clauses, the day it names, and whether a reminder goes with it."""

    parts: list[str]
    day: dt.date
    reminder: bool


def is_plan(text: str, now: dt.datetime, tz: str) -> bool:
    """A task or reminder, a day ahead, or a time not in the past ("встреча с Иваном в 9")."""
    kind, _, parsed = read_item(text, now, tz)
    today = local_now(now, tz).date()
    if kind in (ItemKind.REMINDER, ItemKind.TASK):
        return True
    if parsed.date is not None and parsed.date > today:
        return True
    timed = parsed.time is not None or bool(parsed.candidates)
    return timed and (parsed.date is None or parsed.date >= today) and reading.amount_in(text) is None


def read_text(text: str, now: dt.datetime, tz: str) -> Reading:
    """The clauses, the day (a past day the text names, "вчера"; else today) and the reminder flag."""
    _, _, parsed = read_item(text, now, tz)
    today = local_now(now, tz).date()
    day = parsed.date if parsed.date is not None and parsed.date <= today else today
    if reading.is_return_plan(text):
        return Reading([text.strip()], today, reminder=True)
    return Reading(reading.clauses(text), day, reminder=False)


def only_url(text: str) -> str | None:
    """A message that is nothing but one http(s) link: the page is read for an entry."""
    words = text.split()
    if len(words) == 1 and re.match(r"^https?://[^\s/]+", words[0], re.IGNORECASE) and len(words[0]) <= 2000:
        return words[0]
    return None


async def answers_a_question(session: AsyncSession, user: User, text: str, now: dt.datetime) -> bool:
    """The user has a question pending (what time?) and this text answers it: the items app takes it."""
    question = await items_repo.pending_for(session, user.id)
    return question is not None and question.expires_at > now and \
        read_answer(text, now, user.timezone, times_of(question)).kind != AnswerKind.NONE


async def goes_to_journal(session: AsyncSession, user: User, text: str, now: dt.datetime) -> bool:
    """Whether a text the user sent (not a command) is a journal proposal rather than an item."""
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        return False
    chosen = await service.routing(session, user)
    if chosen == Routing.NOTES:
        return False
    if reading.is_return_plan(text) or only_url(text):
        journal = True
    elif is_plan(text, now, user.timezone):
        journal = False
    else:
        journal = chosen == Routing.JOURNAL or reading.looks_like_record(text)
    # an answer to the user's pending question goes to the items app (asked last: most texts need not ask)
    return journal and not await answers_a_question(session, user, text, now)


async def analyse(provider: AIProvider, parts: Sequence[str], language: str) -> list[EntryAnalysis]:
    """One analysis per clause (a provider reads one entry at a time)."""
    return [await provider.analyze_entry(part, language=language) for part in parts]


def drafts_of(found: Reading, analyses: Sequence[EntryAnalysis], *, currency: str) -> list[dict[str, Any]]:
    """The entries the card proposes, in EntryIn's words; an amount without a currency is in the user's one."""
    drafts: list[dict[str, Any]] = []
    for part, analysis in zip(found.parts, analyses, strict=True):
        context = drafts[-1]["action"] if drafts else None
        draft = reading.draft(part, analysis, day=found.day, context_action=context, borrowed=found.reminder)
        if draft["amount"] is not None and not draft["currency"]:
            draft["currency"] = currency
        drafts.append(draft)
    return drafts
