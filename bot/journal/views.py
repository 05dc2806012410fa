"""What the journal says in chat: a proposal's card (plain text) and what it becomes once closed.

``JournalViews`` is core's ``JournalPresenter``: the analysis job and the web app show the same cards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.journal.keyboards import card_keyboard, dashboard_keyboard, routing_keyboard
from core.i18n import Translator
from core.items.models import Item
from core.journal.models import Entry, Proposal, Routing
from core.journal.semantic import ACTIONS, OBJECTS, label

Reply = tuple[str, InlineKeyboardMarkup | None]


def _amount(value: Any, currency: Any) -> str:
    if value is None or value == "":
        return ""
    number = f"{float(value):,.2f}".replace(",", " ").removesuffix(".00")
    return f"{number} {currency or ''}".strip()


def draft_lines(draft: dict[str, Any], t: Translator, index: int | None) -> list[str]:
    """"1. Хлеб — 60 RUB" / "купил · еда · 2030-05-17" / "👥 Маша · 📍 Шоколадница · #кофе"."""
    title = str(draft.get("title") or draft.get("note") or "—")
    money = _amount(draft.get("amount"), draft.get("currency"))
    head = f"{index}. " if index is not None else ""
    lines = [f"{head}{title}" + (f" — {money}" if money else "")]
    what = [label(ACTIONS, str(draft.get("action", "")), t.language),
            label(OBJECTS, str(draft.get("object", "")), t.language)]
    if draft.get("date"):
        what.append(str(draft["date"]))
    lines.append("   " + " · ".join(w for w in what if w))
    extra = []
    if draft.get("people"):
        extra.append("👥 " + ", ".join(draft["people"]))
    if draft.get("place"):
        extra.append(f"📍 {draft['place']}")
    if draft.get("tags"):
        extra.append(" ".join(f"#{tag}" for tag in draft["tags"]))
    if extra:
        lines.append("   " + " · ".join(extra))
    return lines


def card_text(proposal: Proposal, t: Translator, problem: str | None = None) -> str:
    drafts = list(proposal.drafts or [])
    if problem is not None or (not drafts and proposal.error_code):
        key = "journal.card.problem_note" if drafts and proposal.note_item_id is not None else "journal.card.problem"
        return t(key, problem=problem or t("journal.card.analysis_failed_plain"))
    if not drafts:
        return t("journal.card.reading")
    title = t("journal.card.title") if len(drafts) == 1 else t("journal.card.title_many", count=len(drafts))
    lines = [title]
    for n, draft in enumerate(drafts, start=1):
        lines += draft_lines(draft, t, n if len(drafts) > 1 else None)
    if proposal.reminder_text:
        lines.append(t("journal.card.reminder", text=proposal.reminder_text))
    if proposal.error_code:
        lines.append(t("journal.card.analysis_failed"))
    return "\n".join(lines)


def card_reply(proposal: Proposal, t: Translator, base_url: str, problem: str | None = None) -> Reply:
    return card_text(proposal, t, problem), card_keyboard(proposal, t, base_url, problem=problem is not None)


def saved_reply(proposal: Proposal, entries: Sequence[Entry], t: Translator) -> Reply:
    numbers = ", ".join(f"#{e.number}" for e in entries)
    lines = [t("journal.card.saved", numbers=numbers)]
    lines += [line for e in entries for line in draft_lines(_as_draft(e), t, None)]
    if proposal.reminder_text:
        lines.append(t("journal.card.reminder_set", text=proposal.reminder_text))
    return "\n".join(lines), None


def _as_draft(entry: Entry) -> dict[str, Any]:
    return {"title": f"#{entry.number} {entry.title}", "amount": None if entry.amount_minor is None
            else entry.amount_minor / 100, "currency": entry.currency, "action": entry.action, "object": entry.object,
            "date": entry.happened_on.isoformat(), "people": entry.people, "place": entry.place, "tags": entry.tags}


def cancelled_reply(proposal: Proposal, t: Translator) -> Reply:
    return t("journal.card.cancelled"), None


def noted_reply(item: Item, t: Translator) -> Reply:
    return t("journal.card.noted", number=item.number), None


def routing_reply(current: Routing, t: Translator, base_url: str, *, private: bool) -> Reply:
    """/journal: where the messages that are not plans go now, and the buttons to change it."""
    text = t("journal.routing.text", current=t(f"journal.routing.{current.value}"))
    return text, routing_keyboard(current, t, base_url, private=private)


class JournalViews:
    """core's JournalPresenter (``core.journal.presenter``)."""

    def card(self, proposal: Proposal, t: Translator, *, base_url: str, problem: str | None = None) -> Reply:
        return card_reply(proposal, t, base_url, problem)

    def saved(self, proposal: Proposal, entries: Sequence[Entry], t: Translator) -> Reply:
        return saved_reply(proposal, entries, t)

    def dashboard(self, text: str, t: Translator, *, base_url: str, private: bool) -> Reply:
        return text, dashboard_keyboard(t, base_url) if private else None
