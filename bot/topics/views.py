"""The buttons under "Filed into «Ideas»": one per other topic.

``TopicsViews`` is core's ``TopicsPresenter``: the filing jobs send these buttons through it."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.telegram.keyboard import Keyboard
from bot.topics.callbacks import MoveTopicCb
from core.i18n import Translator
from core.topics import service
from core.topics.models import NoteFiling


def move_keyboard(filing: NoteFiling, t: Translator) -> InlineKeyboardMarkup:
    """One button per other topic."""
    kb = Keyboard()
    for kind in service.other_kinds(filing.kind):
        kb.button(text=service.topic_title(kind, t.language), callback_data=MoveTopicCb(filing_id=filing.id,
                                                                                         kind=kind))
    kb.adjust(2)
    return kb.as_markup()


class TopicsViews:
    """core's TopicsPresenter (``core.topics.presenter``)."""

    def move_markup(self, filing: NoteFiling, t: Translator) -> InlineKeyboardMarkup:
        return move_keyboard(filing, t)
