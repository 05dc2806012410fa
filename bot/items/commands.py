"""Secretary commands: /today, /week, /list, /done, /cancel, /set, /undo, /find."""

from __future__ import annotations

import re

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks_secretary import ListCb
from bot.routers import secretary_views as views
from bot.routers.secretary import edit_message
from core.dates.parser import local_now
from core.db.base import utcnow
from core.errors import DomainError
from core.i18n import Translator
from core.items import queries, render, service
from core.telegram.outbox import Outbox
from core.users.models import User

_ID = re.compile(r"^\s*#?\s*(\d{1,9})\s*$")
WEEK_DAYS = 7


async def _say(message: Message, outbox: Outbox, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    await outbox.send_message(message.chat.id, text, reply_markup=markup, parse_mode=None)


async def today(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator) -> None:
    now = utcnow()
    days = await queries.agenda(session, user.id, user.timezone, now, 1)
    if not days:
        await _say(message, outbox, t("agenda.today_empty"))
        return
    title = t("agenda.today", day=render.day_header(local_now(now, user.timezone).date(), t.language))
    lines = [render.agenda_line(item, t, user.timezone) for item in days[0][1]]
    await _say(message, outbox, "\n".join([title, *lines]))


async def week(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator) -> None:
    days = await queries.agenda(session, user.id, user.timezone, utcnow(), WEEK_DAYS)
    text = views.agenda_text(days, t, user.timezone, t("agenda.week")) if days else t("agenda.week_empty")
    await _say(message, outbox, text)


async def list_(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                t: Translator) -> None:
    try:
        kind = queries.kind_from_word(command.args or "")
    except DomainError:
        await _say(message, outbox, t("list.usage"))
        return
    name = kind.value if kind else "all"
    page = await queries.open_items(session, user.id, kind, 0)
    today_ = local_now(utcnow(), user.timezone).date()
    await _say(message, outbox, *views.list_reply(page, name, t, user.timezone, today_))


async def list_page(query: CallbackQuery, callback_data: ListCb, session: AsyncSession, outbox: Outbox, user: User,
                    t: Translator) -> None:
    try:
        kind = queries.kind_from_word(callback_data.kind)
    except DomainError:
        await query.answer()
        return
    page = await queries.open_items(session, user.id, kind, callback_data.page)
    today_ = local_now(utcnow(), user.timezone).date()
    await query.answer()
    name = kind.value if kind else "all"
    await edit_message(query, outbox, *views.list_reply(page, name, t, user.timezone, today_))


async def _finish(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                  t: Translator) -> None:
    found = _ID.match(command.args or "")
    if found is None:
        await _say(message, outbox, t("items.usage_id", command=command.command))
        return
    try:
        item = await service.owned(session, user.id, int(found[1]))
        item = await (service.mark_done(session, item) if command.command == "done" else service.cancel(session, item))
    except DomainError as error:
        await _say(message, outbox, views.error_text(error, t))
        return
    await _say(message, outbox, *views.changed_reply(item, t, user.timezone))


async def set_(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
               t: Translator) -> None:
    try:
        item = await service.set_from_command(session, user.id, user.timezone, command.args or "", utcnow())
    except DomainError as error:
        await _say(message, outbox, views.error_text(error, t))
        return
    await _say(message, outbox, *views.card_reply(item, t, user.timezone))


async def undo(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator) -> None:
    try:
        _, item = await service.undo(session, user.id, utcnow())
    except DomainError as error:
        await _say(message, outbox, views.error_text(error, t))
        return
    text, markup = views.card_reply(item, t, user.timezone)
    await _say(message, outbox, t("undo.done", card=text), markup)


async def find(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
               t: Translator) -> None:
    words = (command.args or "").strip()
    if not words:
        await _say(message, outbox, t("find.usage"))
        return
    items, total = await queries.find(session, user.id, words)
    today_ = local_now(utcnow(), user.timezone).date()
    await _say(message, outbox, views.find_text(items, total, words, t, user.timezone, today_))


def build_router() -> Router:
    """A fresh router (aiogram routers attach to one dispatcher only)."""
    router = Router(name="secretary_commands")
    router.message(Command("today"))(today)
    router.message(Command("week"))(week)
    router.message(Command("list"))(list_)
    router.callback_query(ListCb.filter())(list_page)
    router.message(Command("done", "cancel"))(_finish)
    router.message(Command("set"))(set_)
    router.message(Command("undo"))(undo)
    router.message(Command("find"))(find)
    return router
