"""Calendar and reminder commands: /calendar [reset|disconnect], /remind [minutes], /agenda [HH:MM|off], and
the buttons under a reminder (snooze 10 min / 1 h / tomorrow, done)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks_calendar import ReminderCb
from bot.filters import Magic
from core.calendar import service as calendar
from core.calendar.service import CalendarStatus, GoogleLink
from core.db.base import utcnow
from core.errors import DomainError
from core.i18n import Translator
from core.items import render
from core.reminders import service as reminders
from core.reminders.service import Pressed
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User

OFF_WORDS = ("off", "выкл", "нет", "0")


def _when(at: dt.datetime, user: User, t: Translator) -> str:
    local = at.astimezone(ZoneInfo(user.timezone))
    today = utcnow().astimezone(ZoneInfo(user.timezone)).date()
    return f"{render.day_text(local.date(), t.language, today)} {render.clock(local)}"


def _calendar_view(status: CalendarStatus, t: Translator) -> tuple[str, InlineKeyboardMarkup | None]:
    parts = [t("calendar.feed", url=status.feed_url)]
    markup = None
    if status.google is GoogleLink.OAUTH:
        parts.append(t("calendar.google.oauth_connected"))
    elif status.google is GoogleLink.SERVICE_ACCOUNT:
        parts.append(t("calendar.google.service_account"))
    elif status.connect_url and status.connect_url.startswith("https://"):
        parts.append(t("calendar.google.connect_hint"))
        kb = InlineKeyboardBuilder()
        kb.button(text=t("calendar.google.connect_button"), url=status.connect_url)
        markup = kb.as_markup()
    elif status.connect_url:  # Telegram refuses URL buttons to non-public hosts: a link in the text
        parts.append(t("calendar.google.connect_link", url=status.connect_url))
    return "\n\n".join(parts), markup


async def calendar_cmd(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                       t: Translator, runtime: Runtime) -> None:
    arg = (command.args or "").strip().lower()
    settings = runtime.settings
    if arg == "reset":
        text = t("calendar.reset_done", url=await calendar.reset_feed(session, settings, user.id))
        await outbox.send_message(message.chat.id, text)
    elif arg == "disconnect":
        removed = await calendar.disconnect_google(session, user.id)
        text = t("calendar.google.disconnected" if removed else "calendar.google.not_connected")
        await outbox.send_message(message.chat.id, text, parse_mode=None)
    elif arg:
        await outbox.send_message(message.chat.id, t("calendar.usage"), parse_mode=None)
    else:
        text, markup = _calendar_view(await calendar.status(session, settings, user.id), t)
        await outbox.send_message(message.chat.id, text, reply_markup=markup)


async def remind_cmd(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                     t: Translator) -> None:
    arg = (command.args or "").strip()
    if not arg:
        key = "reminders.minutes_current" if user.reminder_minutes > 0 else "reminders.minutes_off_current"
        await outbox.send_message(message.chat.id, t(key, minutes=user.reminder_minutes), parse_mode=None)
        return
    try:
        minutes = 0 if arg.lower() in OFF_WORDS else int(arg)
        await reminders.set_reminder_minutes(session, user, minutes, utcnow())
    except (ValueError, DomainError):
        await outbox.send_message(message.chat.id, t("reminders.minutes_bad"), parse_mode=None)
        return
    text = t("reminders.minutes_set", minutes=minutes) if minutes else t("reminders.minutes_off")
    await outbox.send_message(message.chat.id, text, parse_mode=None)


async def agenda_cmd(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                     t: Translator) -> None:
    arg = (command.args or "").strip()
    if not arg:
        text = (t("reminders.agenda.current", time=user.agenda_time, timezone=user.timezone) if user.agenda_time
                else t("reminders.agenda.none"))
    elif arg.lower() in OFF_WORDS:
        await reminders.set_agenda_time(session, user, None, utcnow())
        text = t("reminders.agenda.off")
    else:
        try:
            at = await reminders.set_agenda_time(session, user, arg, utcnow())
        except DomainError:
            text = t("reminders.agenda.bad")
        else:
            assert at is not None
            text = t("reminders.agenda.set", time=user.agenda_time, timezone=user.timezone, when=_when(at, user, t))
    await outbox.send_message(message.chat.id, text, parse_mode=None)


async def reminder_button(query: CallbackQuery, callback_data: ReminderCb, session: AsyncSession, outbox: Outbox,
                          user: User, t: Translator) -> None:
    outcome, until = await reminders.press(session, user, callback_data.item_id, callback_data.action, utcnow())
    message = query.message
    original = (getattr(message, "text", None) or "") if message is not None else ""
    if outcome is Pressed.SNOOZED:
        assert until is not None
        when = _when(until, user, t)
        text = t("reminders.snoozed", text=original, when=when)
        await query.answer(t("reminders.snoozed_toast", when=when))
    elif outcome is Pressed.DONE:
        text = t("reminders.done", text=original)
        await query.answer()
    else:
        await query.answer(t("reminders.gone"), show_alert=True)
        if message is not None:
            await outbox.edit_markup(message.chat.id, message_id=message.message_id)
        return
    if message is not None and original:
        await outbox.edit_text(message.chat.id, text, message_id=message.message_id, parse_mode=None)


def build_router() -> Router:
    """A fresh router (aiogram routers attach to one dispatcher only)."""
    router = Router(name="calendar")
    router.message(Command("calendar"), Magic(F.chat.type == "private"))(calendar_cmd)
    router.message(Command("remind"))(remind_cmd)
    router.message(Command("agenda"))(agenda_cmd)
    router.callback_query(ReminderCb.filter())(reminder_button)
    return router
