"""Inline keyboards of the items app: item cards, question answers, list pages."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from aiogram.types import InlineKeyboardMarkup, WebAppInfo

from bot.items.callbacks import ClarifyCb, ItemCb, ListCb
from bot.telegram.keyboard import Keyboard
from bot.telegram.switches import NoteToEntryCb
from core.i18n import Translator
from core.items.models import OPEN_STATUSES, Item
from core.items.render import clock, part_of_day

CANCEL_CHOICE = -1
KEEP_CHOICE = -2


def card_keyboard(item: Item, t: Translator) -> InlineKeyboardMarkup | None:
    """Done / Reschedule / Cancel on an open item; nothing on a done or cancelled one. A repeating item has Done
    (this time) / Skip (this time) above Reschedule / Stop (the series)."""
    if item.status not in OPEN_STATUSES:
        return None
    kb = Keyboard()
    buttons: tuple[tuple[Literal["done", "skip", "resched", "cancel"], str], ...]
    if item.recurrence:
        buttons = (("done", "items.button.done"), ("skip", "items.button.skip"),
                   ("resched", "items.button.reschedule"), ("cancel", "items.button.stop"))
    else:
        buttons = (("done", "items.button.done"), ("resched", "items.button.reschedule"),
                   ("cancel", "items.button.cancel"))
    for action, key in buttons:
        kb.button(text=t(key), callback_data=ItemCb(action=action, item_id=item.id))
    kb.adjust(2 if item.recurrence else 3)
    return kb.as_markup()


def note_keyboard(item: Item, t: Translator) -> InlineKeyboardMarkup:
    """Under a new note: "save as entry" (the journal app takes the press)."""
    kb = Keyboard()
    kb.button(text=t("items.button.as_entry"), callback_data=NoteToEntryCb(item_id=item.id))
    return kb.as_markup()


def past_keyboard(item: Item, offer: str, said: str, time: dt.time, t: Translator) -> InlineKeyboardMarkup:
    """Under a passed time: "Завтра 20:00" / "Оставить: сегодня 20:00" / "Отменить"."""
    kb = Keyboard()
    kb.button(text=offer, callback_data=ClarifyCb(item_id=item.id, minute=time.hour * 60 + time.minute))
    kb.button(text=t("clarify.button.keep", when=said), callback_data=ClarifyCb(item_id=item.id, minute=KEEP_CHOICE))
    kb.button(text=t("clarify.button.cancel"), callback_data=ClarifyCb(item_id=item.id, minute=CANCEL_CHOICE))
    kb.adjust(1, 2)
    return kb.as_markup()


def question_keyboard(item: Item, candidates: list[dt.time], t: Translator) -> InlineKeyboardMarkup:
    """"Утро 09:00" / "Вечер 21:00" / "Отменить": each time to pick, then Cancel."""
    kb = Keyboard()
    for time in candidates:
        label = f"{t('clarify.part.' + part_of_day(time))} {clock(time)}"
        kb.button(text=label, callback_data=ClarifyCb(item_id=item.id, minute=time.hour * 60 + time.minute))
    kb.button(text=t("clarify.button.cancel"), callback_data=ClarifyCb(item_id=item.id, minute=CANCEL_CHOICE))
    kb.adjust(max(1, len(candidates)), 1)
    return kb.as_markup()


def pager_keyboard(kind: str, page: int, pages: int) -> InlineKeyboardMarkup | None:
    if pages <= 1:
        return None
    kb = Keyboard()
    if page > 0:
        kb.button(text="◀", callback_data=ListCb(kind=kind, page=page - 1))
    if page < pages - 1:
        kb.button(text="▶", callback_data=ListCb(kind=kind, page=page + 1))
    kb.adjust(2)
    return kb.as_markup()


AGENDA_PATHS = {"today": "/agenda", "week": "/agenda/week", "list": "/agenda/list"}


def agenda_url(base_url: str, view: str = "today") -> str:
    return f"{base_url}/app/#{AGENDA_PATHS[view]}"


def agenda_keyboard(base_url: str, view: str, t: Translator) -> InlineKeyboardMarkup:
    """One button under /today and /week: the agenda Mini App, opened at the same view."""
    kb = Keyboard()
    kb.button(text=t("items.button.agenda"), web_app=WebAppInfo(url=agenda_url(base_url, view)))
    return kb.as_markup()
