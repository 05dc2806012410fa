"""Reminder commands: /remind [minutes], /agenda [HH:MM|off], and the buttons under a reminder (snooze 10 min /
1 h / tomorrow, done)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reminders.callbacks import ReminderCb
from bot.reminders.views import when
from bot.telegram.replies import say
from core.db.base import utcnow
from core.i18n import Translator
from core.reminders import service as reminders
from core.reminders.service import Pressed
from core.telegram.outbox import Outbox
from core.users.models import User


async def remind_cmd(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                     t: Translator) -> None:
    arg = (command.args or "").strip()
    if not arg:
        key = "reminders.minutes_current" if user.reminder_minutes > 0 else "reminders.minutes_off_current"
        await say(message, outbox, t(key, minutes=user.reminder_minutes))
        return
    minutes = reminders.parse_minutes(arg)
    await reminders.set_reminder_minutes(session, user, minutes, utcnow())
    await say(message, outbox, t("reminders.minutes_set", minutes=minutes) if minutes else t("reminders.minutes_off"))


async def agenda_cmd(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                     t: Translator) -> None:
    arg = (command.args or "").strip()
    if not arg:
        text = (t("reminders.agenda.current", time=user.agenda_time, timezone=user.timezone) if user.agenda_time
                else t("reminders.agenda.none"))
    elif reminders.is_off(arg):
        await reminders.set_agenda_time(session, user, None, utcnow())
        text = t("reminders.agenda.off")
    else:
        at = await reminders.set_agenda_time(session, user, arg, utcnow())
        assert at is not None
        text = t("reminders.agenda.set", time=user.agenda_time, timezone=user.timezone, when=when(at, user, t))
    await say(message, outbox, text)


async def reminder_button(query: CallbackQuery, callback_data: ReminderCb, session: AsyncSession, outbox: Outbox,
                          user: User, t: Translator) -> None:
    outcome, until = await reminders.press(session, user, callback_data.item_id, callback_data.action, utcnow())
    message = query.message
    original = (getattr(message, "text", None) or "") if message is not None else ""
    if outcome is Pressed.SNOOZED:
        assert until is not None
        at = when(until, user, t)
        text = t("reminders.snoozed", text=original, when=at)
        await query.answer(t("reminders.snoozed_toast", when=at))
    elif outcome is Pressed.DONE:
        text = t("reminders.done", text=original)
        await query.answer()
    elif outcome in (Pressed.NEXT, Pressed.SKIPPED):  # a repeating item: this time is over, the next one is due
        assert until is not None
        key = "reminders.done_next" if outcome is Pressed.NEXT else "reminders.skipped_next"
        text = t(key, text=original, when=when(until, user, t))
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
    router = Router(name="reminders")
    router.message(Command("remind"))(remind_cmd)
    router.message(Command("agenda"))(agenda_cmd)
    router.callback_query(ReminderCb.filter())(reminder_button)
    return router
