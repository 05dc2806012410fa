"""Aggregates straight from SQL: the entries' sums and counts, the dashboard, and the dictionaries (tags, people,
places, currencies) that the forms suggest from — always over one user's live entries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from core.db.values import storable_text
from core.journal import repository as repo
from core.journal.models import Entry, TermKind
from core.journal.money import POPULAR, default_currency
from core.journal.repository import EntryFilter
from core.journal.schemas import (
    CategorySum,
    CurrenciesOut,
    DashboardStats,
    DaySum,
    EntryStats,
    Geo,
    Money,
    MonthSum,
    Ranked,
    Term,
)
from core.journal.semantic import EXPENSE_ACTIONS, INCOME_ACTIONS
from core.journal.service import today, user_currency
from core.users.models import User

DASHBOARD_DAYS = 365  # the default window, ending today
TOP = 10


def _money(rows: list[tuple[str, int]]) -> list[Money]:
    return [Money(currency=c, amount=s / 100) for c, s in rows]


def _categories(rows: list[tuple[object, ...]]) -> list[CategorySum]:
    counts: dict[str | None, int] = defaultdict(int)
    totals: dict[str | None, list[Money]] = defaultdict(list)
    for category, currency, minor, n in rows:
        key = category if isinstance(category, str) else None
        counts[key] += int(n)  # type: ignore[call-overload]
        if currency is not None and minor is not None:
            totals[key].append(Money(currency=str(currency), amount=int(minor) / 100))  # type: ignore[call-overload]
    order = sorted(counts, key=lambda k: (-max((m.amount for m in totals[k]), default=0), -counts[k], k or ""))
    return [CategorySum(category=k, count=counts[k], totals=sorted(totals[k], key=lambda m: m.currency))
            for k in order]


async def entry_stats(session: AsyncSession, user: User, f: EntryFilter) -> EntryStats:
    where = repo.conditions(user.id, f)
    return EntryStats(count=await repo.count(session, where),
                      totals=_money(await repo.sums_by_currency(session, where)),
                      by_category=_categories(await repo.by_category(session, where)))


async def dashboard(session: AsyncSession, user: User, *, date_from: dt.date | None, date_to: dt.date | None,
                    now: dt.datetime) -> DashboardStats:
    end = date_to or today(user, now)
    start = date_from or end - dt.timedelta(days=DASHBOARD_DAYS - 1)
    window = repo.conditions(user.id, EntryFilter(date_from=start, date_to=end))
    spent_where = [*window, Entry.action.in_(EXPENSE_ACTIONS)]
    months: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    activity: dict[dt.date, int] = defaultdict(int)
    totals: dict[str, dict[str, int]] = {"spent": defaultdict(int), "earned": defaultdict(int)}
    # three queries in all: the days by kind of action (activity, months, totals), the categories, the top terms
    for day, currency, kind, minor, n in await repo.by_day_and_kind(
            session, window, {"spent": EXPENSE_ACTIONS, "earned": INCOME_ACTIONS}):
        activity[day] += int(n)
        if kind in totals and currency is not None and minor is not None:
            totals[kind][str(currency)] += int(minor)
            if kind == "spent":
                bucket = months[(f"{day:%Y-%m}", str(currency))]
                bucket[0] += int(minor)
                bucket[1] += int(n)
    tops = await repo.top_terms_of_kinds(session, user.id, (TermKind.PERSON, TermKind.PLACE, TermKind.TAG),
                                         limit=TOP, date_from=start, date_to=end)

    def top(kind: TermKind) -> list[Ranked]:
        return [Ranked(name=v, count=n) for v, n in tops[kind]]

    return DashboardStats(
        date_from=start, date_to=end, count=sum(activity.values()),
        spent=_money(sorted(totals["spent"].items())), earned=_money(sorted(totals["earned"].items())),
        by_category=_categories(await repo.by_category(session, spent_where)),
        by_month=[MonthSum(month=m, currency=c, amount=s / 100, count=n)
                  for (m, c), (s, n) in sorted(months.items())],
        activity=[DaySum(date=d, count=n) for d, n in sorted(activity.items())],
        top_people=top(TermKind.PERSON), top_places=top(TermKind.PLACE), top_tags=top(TermKind.TAG),
    )


async def terms(session: AsyncSession, user: User, kind: TermKind, *, q: str | None, limit: int) -> list[Term]:
    rows = await repo.top_terms(session, user.id, kind, limit=limit, prefix=storable_text((q or "").strip().casefold()))
    geo = await repo.geo_of(session, [int(r[3]) for r in rows]) if kind == TermKind.PLACE else {}
    out = []
    for value, n, last, newest in rows:
        point = geo.get(int(newest))
        out.append(Term(value=str(value), count=int(n), last_used=last,
                        geo=Geo(lat=point[0], lon=point[1]) if point else None))
    return out


async def currencies(session: AsyncSession, user: User) -> CurrenciesOut:
    default = await user_currency(session, user)
    used = await repo.used_currencies(session, user.id)
    available = list(dict.fromkeys([default, *used, *POPULAR, default_currency(user.language)]))
    return CurrenciesOut(default=default, used=used, available=available)
