"""The buttons under a reminder. Their callback data is packed here in aiogram's format
(``prefix:field:field``) so that a job can build them without the bot; ``bot.callbacks_calendar.ReminderCb``
unpacks them (a test checks that both agree)."""

from __future__ import annotations

import enum
from typing import Any

from core.i18n import Translator

PREFIX = "rem"


class ReminderAction(enum.StrEnum):
    SNOOZE_10 = "s10"
    SNOOZE_60 = "s60"
    TOMORROW = "tmr"
    DONE = "done"


SNOOZE_MINUTES = {ReminderAction.SNOOZE_10: 10, ReminderAction.SNOOZE_60: 60}


def pack(action: ReminderAction, item_id: int) -> str:
    return f"{PREFIX}:{action.value}:{item_id}"


def reminder_keyboard(item_id: int, t: Translator) -> dict[str, Any]:
    def button(action: ReminderAction, key: str) -> dict[str, str]:
        return {"text": t(key), "callback_data": pack(action, item_id)}

    return {"inline_keyboard": [
        [button(ReminderAction.SNOOZE_10, "reminders.button.snooze_10"),
         button(ReminderAction.SNOOZE_60, "reminders.button.snooze_60"),
         button(ReminderAction.TOMORROW, "reminders.button.tomorrow")],
        [button(ReminderAction.DONE, "reminders.button.done")],
    ]}
