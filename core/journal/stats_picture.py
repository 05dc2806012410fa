"""``/stats`` in chat: the dashboard's key chart as a picture, with the totals in its caption and a button to the Mini
App's dashboard.

The figures are the dashboard's own (``stats.dashboard``: this month for the categories, the last twelve months for
the months). The picture is drawn and sent by a job (``journal.stats``): the outbox holds no bytes, so, like the
documents' zoom, the photo goes through the Telegram gateway; an empty journal gets a text through the outbox."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.i18n import Translator, translator
from core.journal import chart, stats
from core.journal.catalog import catalog
from core.journal.presenter import JOURNAL
from core.journal.repository import EntryFilter
from core.journal.schemas import DashboardStats, Money
from core.journal.service import today, user_currency
from core.queue.jobs import JobContext, JobRegistry, enqueue_job
from core.users.models import User

STATS_JOB = "journal.stats"
MONTHS = 12


@dataclass(frozen=True)
class Figures:
    """What ``/stats`` shows: the picture's figures and the caption's totals (every currency)."""

    chart: chart.ChartFigures
    month_spent: list[Money]
    year_spent: list[Money]
    year_count: int


def months_back(month: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months before ``month``'s."""
    index = month.year * 12 + month.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


def main_currency(year: DashboardStats, preferred: str) -> str:
    """The user's currency when they spent in it, else the one most was spent in (sums of currencies do not add)."""
    spent = {m.currency: m.amount for m in year.spent}
    return preferred if preferred in spent or not spent else max(spent, key=lambda c: (spent[c], c))


def chart_figures(month: DashboardStats, year: DashboardStats, currency: str, language: str) -> chart.ChartFigures:
    categories = {c.id: c for c in catalog().categories}
    bars = []
    for row in month.by_category:
        amount = next((m.amount for m in row.totals if m.currency == currency), 0.0)
        found = categories.get(row.category or "")
        label = found.label.pick(language) if found else (row.category or translator(language)("journal.chart.none"))
        bars.append(chart.Bar(label, amount, found.color if found else None))
    bars.sort(key=lambda b: -b.amount)
    by_month = {m.month: m.amount for m in year.by_month if m.currency == currency}
    keys = [f"{months_back(month.date_to, n):%Y-%m}" for n in range(MONTHS - 1, -1, -1)]
    return chart.ChartFigures(currency=currency, month=month.date_to, categories=bars,
                              months=[(k, by_month.get(k, 0.0)) for k in keys])


async def figures(session: AsyncSession, user: User, now: dt.datetime) -> Figures | None:
    """This month's and the last twelve months' dashboards; None when nothing was spent in the twelve months."""
    end = today(user, now)
    year = await stats.dashboard(session, user, date_from=months_back(end, MONTHS - 1), date_to=end, now=now)
    if not year.spent:
        return None
    month = await stats.dashboard(session, user, date_from=end.replace(day=1), date_to=end, now=now)
    currency = main_currency(year, await user_currency(session, user))
    return Figures(chart=chart_figures(month, year, currency, user.language), month_spent=month.spent,
                   year_spent=year.spent, year_count=year.count)


def totals(amounts: list[Money], language: str) -> str:
    return " + ".join(chart.money(m.amount, m.currency, language) for m in amounts) if amounts else "0"


def caption(found: Figures, t: Translator) -> str:
    return t("journal.stats.caption", month=chart.month_name(found.chart.month, t.language),
             month_total=totals(found.month_spent, t.language), year_total=totals(found.year_spent, t.language),
             count=found.year_count)


async def request(session: AsyncSession, user: User, chat_id: int, *, private: bool, key: str) -> None:
    """``/stats``: the job that draws and sends the picture (once per message: ``key``)."""
    await enqueue_job(session, STATS_JOB, {"chat_id": chat_id, "private": private}, key=f"{STATS_JOB}:{key}",
                      user_id=user.id, chat_id=chat_id, max_attempts=3)


async def send(ctx: JobContext) -> None:
    """Draw and send the picture; a journal without spending gets a text saying how to add entries."""
    chat_id, private = int(ctx.job.payload["chat_id"]), bool(ctx.job.payload.get("private"))
    assert ctx.job.user_id is not None
    async with ctx.units.read_only() as read:
        user = await read.get(User, ctx.job.user_id)
        if user is None:
            return
        found = await figures(read, user, utcnow())
        count = (await stats.entry_stats(read, user, EntryFilter())).count if found is None else found.year_count
    t = translator(user.language)
    presenter = ctx.presenters.get(JOURNAL)
    base_url = ctx.settings.base_url
    if found is None:
        text = t("journal.stats.no_spending", count=count) if count else t("journal.stats.empty")
        text, markup = presenter.dashboard(text, t, base_url=base_url, private=private and bool(count))
        await ctx.outbox().send_message(chat_id, text, reply_markup=markup, parse_mode=None)
        return
    image = await asyncio.to_thread(chart.draw, found.chart, t)  # some CPU: off the event loop
    text, markup = presenter.dashboard(caption(found, t), t, base_url=base_url, private=private)
    buttons = markup.model_dump(mode="json", exclude_none=True) if isinstance(markup, BaseModel) else markup
    await ctx.telegram.send_photo(chat_id, image, caption=text, filename="journal-stats.png", reply_markup=buttons)


def register(registry: JobRegistry) -> None:
    registry.register(STATS_JOB, send)
