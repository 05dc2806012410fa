"""The journal as a source of /ask: its entries kept in the shared search index (``core.ai.index``) on every change,
and questions with a figure ("сколько я потратил на кафе в ноябре?", "how many times did I meet Anna?") answered
from SQL — the sum or count over the filters the question names (category, people, words, a period), never
guessed. The composition root registers ``read_question`` with /ask."""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Engine, desc, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.ai import index
from core.ai.local_rules import STOPWORDS
from core.ai.models import SearchDoc
from core.dates.daymath import add_months, days_in_month
from core.dates.lexicon import MONTHS
from core.dates.parser import local_now
from core.journal import repository as repo
from core.journal.catalog import catalog
from core.journal.models import Entry, TermKind
from core.journal.repository import EntryFilter
from core.journal.semantic import EXPENSE_ACTIONS
from core.users.models import User

SOURCE = "entry"
CITED = 8  # entries a figure cites, newest first

# --- the index ------------------------------------------------------------------------------------------------------


def _keywords(entry: Entry) -> str:
    words = [entry.action, entry.object]
    for category in catalog().categories:
        if category.id == entry.category:
            words += [category.label.ru, category.label.en]
            words += [w for s in category.subcategories if s.id == entry.subcategory for w in (s.label.ru, s.label.en)]
    return " ".join(words)


def doc_of(entry: Entry) -> index.Doc:
    parts = [entry.note]
    if entry.amount_minor is not None:
        parts.append(f"{entry.amount_minor / 100:g} {entry.currency or ''}".strip())
    parts += [", ".join(entry.people or []), entry.place or "", " ".join(f"#{t}" for t in entry.tags or [])]
    body = " · ".join(p for p in parts if p)
    return index.Doc(user_id=entry.user_id, source=SOURCE, source_id=entry.id, number=entry.number,
                     title=entry.title, body=body, day=entry.happened_on, keywords=_keywords(entry))


async def reindex(session: AsyncSession, entries: Sequence[Entry]) -> None:
    """After entries changed in this unit of work: their texts now, their embeddings by the job."""
    await session.flush()
    users: set[int] = set()
    for entry in entries:
        if entry.deleted_at is not None:
            await index.drop(session, SOURCE, [entry.id])
        else:
            await index.put(session, doc_of(entry))
            users.add(entry.user_id)
    for user_id in sorted(users):
        await index.enqueue_embedding(session, user_id)


# users whose every live entry is indexed, per engine (a process's database; the tests' engine per test)
_caught_up: weakref.WeakKeyDictionary[Engine, set[int]] = weakref.WeakKeyDictionary()


async def catch_up(session: AsyncSession, user_id: int, limit: int = 500) -> int:
    """Index the user's live entries the index lacks (written before migration 0014 made it), newest first, ``limit``
    per call. Registered with /ask, which calls it before each answer: once a check finds nothing missing, the user
    is not checked again in this process (the index is kept on every change since)."""
    done = _caught_up.setdefault(session.get_bind().engine, set())
    if user_id in done:
        return 0
    indexed = exists().where(SearchDoc.source == SOURCE, SearchDoc.source_id == Entry.id)
    missing = list(await session.scalars(select(Entry).where(
        Entry.user_id == user_id, Entry.deleted_at.is_(None), ~indexed).order_by(desc(Entry.id)).limit(limit)))
    if not missing:  # remembered only now: rows indexed by this unit of work may yet be rolled back
        done.add(user_id)
        return 0
    await reindex(session, missing)
    return len(missing)


# --- reading a question ---------------------------------------------------------------------------------------------

_SUM = re.compile(r"сколько\b.*\b(потрат|трат|заплат|ушл|стоил|отдал|израсход)|\bhow much\b|\btotal\b.*\b(spen|paid)"
                  r"|\bspent\b.*\btotal\b|\bсумм", re.IGNORECASE)
_COUNT = re.compile(r"сколько\s+раз|как\s+часто|how\s+many|how\s+often|сколько\s+(?:было|записей|встреч)",
                    re.IGNORECASE)
_FILLERS = frozenset(
    ["потратил", "потратила", "потратили", "тратил", "тратила", "заплатил", "заплатила", "ушло", "ушли", "стоило",
     "израсходовал", "отдал", "отдала", "сумма", "сумму", "всего", "раз", "часто", "было", "записей", "деньги",
     "денег", "рублей", "руб", "евро", "долларов", "spend", "spent", "spending", "pay", "paid", "cost", "costs",
     "total", "times", "often", "money", "did", "i", "my", "me", "on", "how", "much", "many", "was", "were", "is",
     "are", "have", "has", "had", "in", "at", "the", "a", "an", "of", "for", "сколько", "я", "мне", "на", "в", "за",
     "во", "по", "с", "со", "take", "took", "taken", "get", "got", "go", "went", "use", "used", "ездил", "ездила",
     "брал", "брала", "ходил", "ходила", "пользовался"])
_PERIOD_WORDS = frozenset(
    ["прошлом", "прошлый", "прошлой", "прошлую", "этом", "этот", "этой", "эту", "текущем", "месяце", "месяц",
     "месяца", "неделе", "неделю", "недели", "году", "год", "года", "вчера", "сегодня", "last", "this", "month",
     "week", "year", "yesterday", "today", "past", "days", "дней", "дня", "последние", "последних"])
_MONTH_FORMS = {**MONTHS, "мае": 5}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    words: frozenset[str]  # the question's words that named it


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, days_in_month(year, month))


def read_period(words: Sequence[str], day: dt.date) -> Period | None:
    """The span of days a question names, read with the dates lexicon: a month (its latest past occurrence, or the
    year given), this/last week, month or year, yesterday, today, the last N days."""
    text = " ".join(words)
    for i, word in enumerate(words):
        month = _MONTH_FORMS.get(word) or next((n for form, n in MONTHS.items()
                                                if len(form) >= 4 and word.startswith(form[:4])), None)
        if month is None or len(word) < 3:
            continue
        following = words[i + 1] if i + 1 < len(words) else ""
        year = int(following) if following.isdigit() and len(following) == 4 else \
            day.year if month <= day.month else day.year - 1
        start, end = _month(year, month)
        return Period(start, end, frozenset({word, following} if following.isdigit() else {word}))
    last = re.search(r"\b(прошл\w*|last|previous)\s+(месяц\w*|недел\w*|год\w*|month|week|year)\b", text)
    this = re.search(r"\b(эт\w+|текущ\w*|this)\s+(месяц\w*|недел\w*|год\w*|month|week|year)\b", text)
    days = re.search(r"\b(?:последние|последних|last|past)\s+(\d{1,3})\s+(?:дн\w*|days?)\b", text)
    if days:
        n = int(days.group(1))
        return Period(day - dt.timedelta(days=n - 1), day, frozenset(days.group(0).split()))
    for found, back in ((last, 1), (this, 0)):
        if not found:
            continue
        unit = found.group(2)
        named = frozenset(found.group(0).split())
        if unit.startswith(("месяц", "month")):
            first = add_months(day.replace(day=1), -back)
            return Period(*_month(first.year, first.month), named)
        if unit.startswith(("недел", "week")):
            monday = day - dt.timedelta(days=day.weekday() + 7 * back)
            return Period(monday, monday + dt.timedelta(days=6), named)
        return Period(dt.date(day.year - back, 1, 1), dt.date(day.year - back, 12, 31), named)
    if "вчера" in words or "yesterday" in words:
        yesterday = day - dt.timedelta(days=1)
        return Period(yesterday, yesterday, frozenset({"вчера", "yesterday"}))
    if "сегодня" in words or "today" in words:
        return Period(day, day, frozenset({"сегодня", "today"}))
    return None


@dataclass
class Reading:
    kind: str | None
    category: str | None = None
    subcategory: str | None = None
    people: list[str] = field(default_factory=list)  # as the user wrote them in entries
    words: list[str] = field(default_factory=list)  # stems each entry must contain
    period: Period | None = None


def _label_stems(*labels: str) -> set[str]:
    return {index.stem_of(w) for label in labels for w in re.findall(r"[^\W_]+", label.casefold()) if len(w) >= 4}


def _category_of(stem: str) -> tuple[str, str | None] | None:
    for category in catalog().categories:
        for sub in category.subcategories:
            if stem in _label_stems(sub.label.ru, sub.label.en) | {index.stem_of(sub.id)}:
                return category.id, sub.id
    for category in catalog().categories:
        if stem in _label_stems(category.label.ru, category.label.en) | {index.stem_of(category.id)}:
            return category.id, None
    return None


def _person(word: str, names: Sequence[str]) -> str | None:
    for name in names:
        key = name.casefold()
        if len(key) >= 3 and len(word) >= 3 and word[: len(key) - 1] == key[: len(key) - 1] \
                and abs(len(word) - len(key)) <= 2:
            return name
    return None


async def read(session: AsyncSession, user: User, question: str, day: dt.date) -> Reading:
    words = re.findall(r"[^\W_]+", question.casefold())
    kind = "count" if _COUNT.search(question) else "sum" if _SUM.search(question) else None
    reading = Reading(kind=kind, period=read_period(words, day))
    taken = reading.period.words if reading.period else frozenset()
    names = [str(r[0]) for r in await repo.top_terms(session, user.id, TermKind.PERSON, limit=300)]
    for word in words:
        if word in taken or word in _FILLERS or word in _PERIOD_WORDS or word in STOPWORDS \
                or word in index.QUESTION_WORDS or (len(word) < 3 and not word.isdigit()):
            continue
        person = _person(word, names)
        if person is not None:
            if person not in reading.people:
                reading.people.append(person)
            continue
        stem = index.stem_of(word)
        found = _category_of(stem) if reading.category is None else None
        if found is not None:
            reading.category, reading.subcategory = found
            continue
        if stem not in reading.words:
            reading.words.append(stem)
    return reading


def _conditions(user: User, r: Reading) -> list[ColumnElement[bool]]:
    f = EntryFilter(people=[p.casefold() for p in r.people], words=r.words,
                    date_from=r.period.start if r.period else None, date_to=r.period.end if r.period else None,
                    category=r.category if r.subcategory is None else None)
    where = repo.conditions(user.id, f)
    if r.subcategory is not None:  # entries of that subcategory, or naming it (a chat entry may have none)
        sub_words = _label_stems(*next(
            (s.label.ru, s.label.en) for c in catalog().categories for s in c.subcategories if s.id == r.subcategory))
        where.append(or_(Entry.subcategory == r.subcategory,
                         *[Entry.search_text.contains(w, autoescape=True) for w in sub_words]))
    return where


def _labels(r: Reading, language: str) -> list[str]:
    out: list[str] = []
    for category in catalog().categories:
        if category.id == r.category:
            sub = next((s for s in category.subcategories if s.id == r.subcategory), None)
            out.append((sub.label if sub else category.label).pick(language))
    out += r.people + [f"«{w}…»" for w in r.words]
    if r.period is not None:
        out.append(r.period.start.isoformat() if r.period.start == r.period.end
                   else f"{r.period.start.isoformat()} — {r.period.end.isoformat()}")
    return out


def _filters(r: Reading) -> dict[str, object]:
    out: dict[str, object] = {}
    if r.category:
        out["category"] = r.category
    if r.people:
        out["people"] = list(r.people)
    if r.words:
        out["q"] = " ".join(r.words)
    if r.period:
        out["dateFrom"], out["dateTo"] = r.period.start.isoformat(), r.period.end.isoformat()
    return out


async def read_question(session: AsyncSession, user: User, question: str, now: dt.datetime) -> index.Fact | None:
    """The figure a question asks for, computed from the user's live entries, or just the filters it names (None:
    it names none)."""
    r = await read(session, user, question, local_now(now, user.timezone).date())
    filters = _filters(r)
    if r.kind is None:
        return index.Fact(kind=None, filters=filters, labels=_labels(r, user.language)) if filters else None
    where = _conditions(user, r)
    if r.kind == "sum":
        where.append(Entry.action.in_(EXPENSE_ACTIONS))
        where.append(Entry.amount_minor.is_not(None))
    totals = [(currency, minor / 100) for currency, minor in await repo.sums_by_currency(session, where)]
    ids = [int(i) for i in await session.scalars(select(Entry.id).where(*where)
                                                  .order_by(desc(Entry.happened_on), desc(Entry.id)).limit(CITED))]
    return index.Fact(kind=r.kind, filters=filters, count=await repo.count(session, where), totals=totals,
                      source=SOURCE, source_ids=ids, labels=_labels(r, user.language))
