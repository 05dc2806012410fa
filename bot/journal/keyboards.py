"""Inline keyboards of the journal: a proposal's card, /stats' dashboard button, /journal's routing switch."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, WebAppInfo

from bot.journal.callbacks import ProposalCb, RoutingCb
from bot.telegram.keyboard import Keyboard
from core.i18n import Translator
from core.journal.models import Proposal, Routing


def proposal_url(base_url: str, proposal_id: int) -> str:
    """The Mini App's form of a proposal."""
    return f"{base_url}/app/#/journal/proposals/{proposal_id}"


def card_keyboard(proposal: Proposal, t: Translator, base_url: str, *, problem: bool = False) -> InlineKeyboardMarkup:
    """Save / Edit / Cancel, then "save as note" (the message as it was, a note instead; "keep the note" on a card made
    of a note). A card that tells a ``problem`` has no Save: a note's unread photo offers Edit (the entry, filled in
    by hand) and "keep the note", a message Cancel and "save as note"."""
    kb = Keyboard()
    of_note = proposal.note_item_id is not None
    if proposal.drafts and not problem:
        kb.button(text=t("journal.button.save"), callback_data=ProposalCb(action="save", proposal_id=proposal.id))
    if proposal.drafts:
        kb.button(text=t("journal.button.edit"), web_app=WebAppInfo(url=proposal_url(base_url, proposal.id)))
    if not (problem and of_note and proposal.drafts):  # there, keeping the note is all that Cancel would do
        kb.button(text=t("journal.button.cancel"), callback_data=ProposalCb(action="cancel", proposal_id=proposal.id))
    kb.button(text=t("journal.button.keep_note" if of_note else "journal.button.as_note"),
              callback_data=ProposalCb(action="note", proposal_id=proposal.id))
    kb.adjust(max(1, len(list(kb.buttons)) - 1), 1)  # the last on a row of its own
    return kb.as_markup()


def dashboard_keyboard(t: Translator, base_url: str) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=t("journal.button.dashboard"), web_app=WebAppInfo(url=f"{base_url}/app/#/journal/dashboard"))
    return kb.as_markup()


def routing_keyboard(current: Routing, t: Translator, base_url: str, *, private: bool) -> InlineKeyboardMarkup:
    """The three routings (the current one ticked), then the journal's Mini App in a private chat."""
    kb = Keyboard()
    for choice in Routing:
        mark = "✓ " if choice == current else ""
        kb.button(text=mark + t(f"journal.routing.button.{choice.value}"),
                  callback_data=RoutingCb(routing=choice.value))
    if private:
        kb.button(text=t("journal.button.open"), web_app=WebAppInfo(url=f"{base_url}/app/#/journal"))
    kb.adjust(3, 1)
    return kb.as_markup()
