"""What the items app says: the text and keyboard of each outcome, list and agenda (plain text, no HTML).

``ItemsViews`` is core's ``ItemsPresenter``: the voice job answers a spoken text with the same replies."""

from __future__ import annotations

import datetime as dt

from aiogram.types import InlineKeyboardMarkup

from bot.items.keyboards import card_keyboard, pager_keyboard, question_keyboard
from core.i18n import Translator
from core.items import render
from core.items.models import ClarificationPurpose, Item, ItemKind, PendingClarification
from core.items.queries import Page
from core.items.questions import Outcome, Result, times_of

Reply = tuple[str, InlineKeyboardMarkup | None]


def card_reply(item: Item, t: Translator, tz: str) -> Reply:
    return render.card(item, t, tz), card_keyboard(item, t)


def question_reply(item: Item, question: PendingClarification, t: Translator, tz: str) -> Reply:
    candidates = times_of(question)
    key = "clarify.ask_reschedule" if question.purpose == ClarificationPurpose.RESCHEDULE and not candidates \
        else "clarify.ask"
    return t(key, card=render.card(item, t, tz)), question_keyboard(item, candidates, t)


def outcome_reply(outcome: Outcome, t: Translator, tz: str, *, retry: bool = False) -> Reply:
    item = outcome.item
    if outcome.question is not None:
        text, markup = question_reply(item, outcome.question, t, tz)
        return (f"{t('clarify.retry')}\n{text}" if retry else text), markup
    if outcome.result == Result.CREATED and item.kind == ItemKind.NOTE:
        return t("note.saved", number=item.number), None
    if outcome.result == Result.CANCELLED:
        return t("items.changed", card=render.card(item, t, tz)), None
    if outcome.result == Result.KEPT:
        return t("clarify.kept", card=render.card(item, t, tz)), card_keyboard(item, t)
    if outcome.result == Result.EXPIRED:
        return t("clarify.expired", number=item.number), None
    return card_reply(item, t, tz)


def changed_reply(item: Item, t: Translator, tz: str) -> Reply:
    """After Done/Cancel: the card with its new status and how to take it back."""
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
    """core's ItemsPresenter (``core.items.presenter``), for the replies that jobs send."""

    def outcome_reply(self, outcome: Outcome, t: Translator, tz: str, *, retry: bool = False) -> Reply:
        return outcome_reply(outcome, t, tz, retry=retry)
