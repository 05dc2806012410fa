"""What the reminders app says and shows: the buttons under a reminder, when a snoozed one comes back.

``RemindersViews`` is core's ``RemindersPresenter``: the reminder job sends its buttons through it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup

from bot.reminders.callbacks import ReminderCb
from bot.telegram.keyboard import Keyboard
from core.db.base import utcnow
from core.i18n import Translator
from core.items import render
from core.reminders.service import ReminderAction
from core.users.models import User


def when(at: dt.datetime, user: User, t: Translator) -> str:
    local = at.astimezone(ZoneInfo(user.timezone))
    today = utcnow().astimezone(ZoneInfo(user.timezone)).date()
    return f"{render.day_text(local.date(), t.language, today)} {render.clock(local)}"


def reminder_keyboard(item_id: int, t: Translator, *, repeating: bool = False) -> InlineKeyboardMarkup:
    """Snooze 10 min / 1 h / tomorrow on one row, Done below (and Skip beside it for a repeating item)."""
    kb = Keyboard()
    buttons = [(ReminderAction.SNOOZE_10, "reminders.button.snooze_10"),
               (ReminderAction.SNOOZE_60, "reminders.button.snooze_60"),
               (ReminderAction.TOMORROW, "reminders.button.tomorrow"),
               (ReminderAction.DONE, "reminders.button.done")]
    if repeating:
        buttons.append((ReminderAction.SKIP, "reminders.button.skip"))
    for action, key in buttons:
        kb.button(text=t(key), callback_data=ReminderCb(action=action, item_id=item_id))
    kb.adjust(3, 2 if repeating else 1)
    return kb.as_markup()


class RemindersViews:
    """core's RemindersPresenter (``core.reminders.presenter``)."""

    def reminder_markup(self, item_id: int, t: Translator, *, repeating: bool = False) -> InlineKeyboardMarkup:
        return reminder_keyboard(item_id, t, repeating=repeating)
