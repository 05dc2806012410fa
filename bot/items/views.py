"""What the items app says: the text and keyboard of each outcome, list and agenda (plain text, no HTML).

``ItemsViews`` is core's ``ItemsPresenter``: the voice job answers a spoken text with the same replies."""

from __future__ import annotations

import datetime as dt

from aiogram.types import InlineKeyboardMarkup

from bot.items.keyboards import card_keyboard, note_keyboard, pager_keyboard, past_keyboard, question_keyboard
from core.dates.parser import local_now
from core.db.base import utcnow
from core.i18n import Translator
from core.items import render
from core.items.models import OPEN_STATUSES, ClarificationPurpose, Item, ItemKind, PendingClarification
from core.items.queries import Page
from core.items.questions import Outcome, Result, next_occurrence, times_of

Reply = tuple[str, InlineKeyboardMarkup | None]


def _buttons_help(item: Item, t: Translator) -> str:
    """Under a repeating item's card: what Done, Skip and Stop do."""
    return f"\n{t('items.repeat.buttons')}" if item.recurrence and item.status in OPEN_STATUSES else ""


def card_reply(item: Item, t: Translator, tz: str) -> Reply:
    return render.card(item, t, tz) + _buttons_help(item, t), card_keyboard(item, t)


def is_settled(item: Item) -> bool:
    """The item no longer waits for a time: it has one, or it is done or cancelled."""
    return item.starts_at is not None or item.status not in OPEN_STATUSES


def settled_reply(item: Item, t: Translator, tz: str) -> Reply:
    """The card of an item whose question is closed, as the answer left it (what a second tap shows again)."""
    if item.status not in OPEN_STATUSES:
        return t("items.changed", card=render.card(item, t, tz)), None
    return card_reply(item, t, tz)


def occurrence_reply(item: Item, skipped: bool, t: Translator, tz: str) -> Reply:
    """After Done or Skip on a repeating item: this time is over, the card of the next one."""
    key = "items.repeat.skipped_next" if skipped else "items.repeat.done_next"
    return t(key, card=render.card(item, t, tz)), card_keyboard(item, t)


def _day_word(day: dt.date, t: Translator, today: dt.date) -> str:
    if day == today:
        return t("clarify.today")
    if day == today + dt.timedelta(days=1):
        return t("clarify.tomorrow")
    return render.day_text(day, t.language, today)


def past_reply(item: Item, question: PendingClarification, t: Translator, tz: str) -> Reply:
    """"20:00 today has passed (now 22:17)": the next occurrence, the moment as said, or Cancel."""
    time = times_of(question)[0]
    now = utcnow()
    today = local_now(now, tz).date()
    said_day = question.day or today
    said = f"{_day_word(said_day, t, today)} {render.clock(time)}"
    offer = f"{_day_word(next_occurrence(time, tz, now), t, today)} {render.clock(time)}"
    text = t("clarify.ask_past", card=render.card(item, t, tz), said=said, now=render.clock(local_now(now, tz)),
             offer=offer)
    return text, past_keyboard(item, offer, said, time, t)


def question_reply(item: Item, question: PendingClarification, t: Translator, tz: str) -> Reply:
    if question.purpose == ClarificationPurpose.PAST and question.candidates:
        return past_reply(item, question, t, tz)
    candidates = times_of(question)
    key = "clarify.ask_reschedule" if question.purpose == ClarificationPurpose.RESCHEDULE and not candidates \
        else "clarify.ask"
    return t(key, card=render.card(item, t, tz)), question_keyboard(item, candidates, t)


def outcome_reply(outcome: Outcome, t: Translator, tz: str, *, retry: bool = False) -> Reply:
    item = outcome.item
    if outcome.question is not None:
        text, markup = question_reply(item, outcome.question, t, tz)
        retry = retry and outcome.question.purpose != ClarificationPurpose.PAST  # a passed time is no misreading
        return (f"{t('clarify.retry')}\n{text}" if retry else text), markup
    if outcome.result == Result.CREATED and item.kind == ItemKind.NOTE:
        if item.photos or item.forwarded_from:  # the card shows them; a photo (a receipt?) may be an entry too
            return t("note.saved_card", card=render.card(item, t, tz)), note_keyboard(item, t) if item.photos else None
        return t("note.saved", number=item.number), note_keyboard(item, t)  # or a journal entry instead
    if outcome.result == Result.EDITED:
        return t("items.edit.updated", card=render.card(item, t, tz)) + _buttons_help(item, t), card_keyboard(item, t)
    if outcome.result == Result.CANCELLED:
        return t("items.changed", card=render.card(item, t, tz)), None
    if outcome.result == Result.KEPT:
        return t("clarify.kept", card=render.card(item, t, tz)), card_keyboard(item, t)
    if outcome.result == Result.EXPIRED:
        return t("clarify.expired", number=item.number), None
    return card_reply(item, t, tz)


def changed_reply(item: Item, t: Translator, tz: str, *, skipped: bool = False) -> Reply:
    """After Done/Skip/Cancel: the card with its new status and how to take it back (a repeating item that goes on:
    the next occurrence)."""
    if item.recurrence and item.status in OPEN_STATUSES:
        return occurrence_reply(item, skipped, t, tz)
    return t("items.changed", card=render.card(item, t, tz)), card_keyboard(item, t)


def agenda_text(days: list[tuple[dt.date, list[Item]]], t: Translator, tz: str, title: str) -> str:
    blocks = [title]
    for day, items in days:
        lines = [render.day_header(day, t.language)] + [render.agenda_line(i, t, tz) for i in items]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def list_reply(page: Page, kind: str, t: Translator, tz: str, today: dt.date) -> Reply:
    what = t("list.what." + kind)
    if not page.total:
        return t("list.empty", what=what), None
    title = t("list.title", what=what, total=page.total, page=page.page + 1, pages=page.pages)
    lines = [render.card(item, t, tz, today) for item in page.items]
    return "\n".join([title, *lines]), pager_keyboard(kind, page.page, page.pages)


def find_text(items: list[Item], total: int, query: str, t: Translator, tz: str, today: dt.date) -> str:
    if not items:
        return t("find.none", query=query)
    title = t("find.title", total=total)
    if total > len(items):
        title += " " + t("find.more", shown=len(items))
    return "\n".join([title, *(render.card(item, t, tz, today) for item in items)])


class ItemsViews:
    """core's ItemsPresenter (``core.items.presenter``), for the replies that jobs and the web app send."""

    def outcome_reply(self, outcome: Outcome, t: Translator, tz: str, *, retry: bool = False) -> Reply:
        return outcome_reply(outcome, t, tz, retry=retry)

    def card_reply(self, item: Item, t: Translator, tz: str) -> Reply:
        return card_reply(item, t, tz)

    def changed_reply(self, item: Item, t: Translator, tz: str, *, skipped: bool = False) -> Reply:
        return changed_reply(item, t, tz, skipped=skipped)
