"""What /ask shows in the bot: the answer's buttons (``AskViews`` is core's ``AskPresenter``) and a cited entry's
card."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiogram.types import InlineKeyboardMarkup, WebAppInfo

from bot.ask.callbacks import AskEntryCb
from bot.telegram.keyboard import Keyboard
from core.i18n import Translator
from core.journal.schemas import EntryOut

CITED_BUTTONS = 5
LABEL_CHARS = 40


def entry_url(base_url: str, entry_id: int) -> str:
    return f"{base_url}/app/#/journal/entries/{entry_id}"


def entries_url(base_url: str, filters: dict[str, Any]) -> str:
    query = {k: ",".join(v) if isinstance(v, list) else str(v) for k, v in filters.items()}
    return f"{base_url}/app/#/journal/entries?{urlencode(query)}"


class AskViews:
    def answer_markup(self, cited: list[dict[str, Any]], filters: dict[str, Any], t: Translator, *, base_url: str,
                      private: bool) -> InlineKeyboardMarkup | None:
        kb = Keyboard()
        entries = [c for c in cited if c["source"] == "entry"][:CITED_BUTTONS]
        for entry in entries:
            label = t("ask.button.entry", number=entry["number"], title=(entry["title"] or "…")[:LABEL_CHARS])
            if private:  # Telegram allows Mini App buttons in private chats only
                kb.button(text=label, web_app=WebAppInfo(url=entry_url(base_url, entry["id"])))
            else:
                kb.button(text=label, callback_data=AskEntryCb(entry_id=entry["id"]))
        if filters and private:
            kb.button(text=t("ask.button.filters"), web_app=WebAppInfo(url=entries_url(base_url, filters)))
        if not entries and not (filters and private):
            return None
        kb.adjust(1)
        return kb.as_markup()


def entry_card(entry: EntryOut, t: Translator) -> str:
    lines = [f"📒 #{entry.number} · {entry.date.isoformat()}", entry.title]
    if entry.amount is not None:
        lines.append(f"{entry.amount:g} {entry.currency or ''}".strip())
    if entry.people:
        lines.append(t("ask.card.people", people=", ".join(entry.people)))
    if entry.place:
        lines.append(t("ask.card.place", place=entry.place))
    if entry.note:
        lines.append(entry.note)
    return "\n".join(line for line in lines if line)
