"""What the reminder job needs from the chat adapter: the buttons under a reminder."""

from __future__ import annotations

from typing import Protocol

from core.i18n import Translator
from core.presenters import PresenterKey
from core.telegram.outbox import Markup


class RemindersPresenter(Protocol):
    def reminder_markup(self, item_id: int, t: Translator, *, repeating: bool = False) -> Markup:
        """Snooze 10 min / 1 h / tomorrow and Done (``core.reminders.service.ReminderAction``); Skip too under a
        repeating item's reminder."""
        ...


REMINDERS = PresenterKey[RemindersPresenter]("reminders")
