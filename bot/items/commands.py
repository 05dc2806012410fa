"""Items commands: /today, /week, /list, /done, /skip, /cancel, /set, /undo, /find."""

from __future__ import annotations

import re

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.items import views
from bot.items.callbacks import ListCb
from bot.items.keyboards import agenda_keyboard
from bot.telegram.replies import edit_pressed, say
from core.dates.parser import local_now
from core.db.base import utcnow
from core.i18n import Translator
from core.items import queries, render, service
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User

_ID = re.compile(r"^\s*#?\s*(\d{1,9})\s*$")
WEEK_DAYS = 7


async def today(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                runtime: Runtime) -> None:
    now = utcnow()
    days = await queries.agenda(session, user.id, user.timezone, now, 1)
    app = agenda_keyboard(runtime.settings.base_url, "today", t)  # the agenda Mini App, opened at today
    if not days:
        await say(message, outbox, t("agenda.today_empty"), app)
        return
    title = t("agenda.today", day=render.day_header(local_now(now, user.timezone).date(), t.language))
    lines = [render.agenda_line(item, t, user.timezone) for item in days[0][1]]
    await say(message, outbox, "\n".join([title, *lines]), app)


async def week(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
               runtime: Runtime) -> None:
    days = await queries.agenda(session, user.id, user.timezone, utcnow(), WEEK_DAYS)
    text = views.agenda_text(days, t, user.timezone, t("agenda.week")) if days else t("agenda.week_empty")
    await say(message, outbox, text, agenda_keyboard(runtime.settings.base_url, "week", t))


async def list_(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                t: Translator) -> None:
    kind = queries.kind_from_word(command.args or "")
    name = kind.value if kind else "all"
    page = await queries.open_items(session, user.id, kind, 0)
    today_ = local_now(utcnow(), user.timezone).date()
    await say(message, outbox, *views.list_reply(page, name, t, user.timezone, today_))


async def list_page(query: CallbackQuery, callback_data: ListCb, session: AsyncSession, outbox: Outbox, user: User,
                    t: Translator) -> None:
    kind = queries.kind_from_word(callback_data.kind)
    page = await queries.open_items(session, user.id, kind, callback_data.page)
    today_ = local_now(utcnow(), user.timezone).date()
    await query.answer()
    name = kind.value if kind else "all"
    await edit_pressed(query, outbox, *views.list_reply(page, name, t, user.timezone, today_))


async def _finish(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                  t: Translator) -> None:
    found = _ID.match(command.args or "")
    if found is None:
        await say(message, outbox, t("items.usage_id", command=command.command))
        return
    item = await service.owned(session, user.id, int(found[1]))
    finish = {"done": service.mark_done, "skip": service.skip}.get(command.command, service.cancel)
    item = await finish(session, item)
    await say(message, outbox, *views.changed_reply(item, t, user.timezone, skipped=command.command == "skip"))


async def set_(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
               t: Translator) -> None:
    item = await service.set_from_command(session, user.id, user.timezone, command.args or "", utcnow())
    await say(message, outbox, *views.card_reply(item, t, user.timezone))


async def undo(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator) -> None:
    _, item = await service.undo(session, user.id, utcnow())
    text, markup = views.card_reply(item, t, user.timezone)
    await say(message, outbox, t("undo.done", card=text), markup)


async def find(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
               t: Translator) -> None:
    words = (command.args or "").strip()
    if not words:
        await say(message, outbox, t("find.usage"))
        return
    items, total = await queries.find(session, user.id, words)
    today_ = local_now(utcnow(), user.timezone).date()
    await say(message, outbox, views.find_text(items, total, words, t, user.timezone, today_))


def build_router() -> Router:
    """A fresh router (aiogram routers attach to one dispatcher only)."""
    router = Router(name="items_commands")
    router.message(Command("today"))(today)
    router.message(Command("week"))(week)
    router.message(Command("list"))(list_)
    router.callback_query(ListCb.filter())(list_page)
    router.message(Command("done", "cancel", "skip"))(_finish)
    router.message(Command("set"))(set_)
    router.message(Command("undo"))(undo)
    router.message(Command("find"))(find)
    return router
