"""Typed callback data of the journal's buttons."""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData

from bot.telegram.callbacks import RowId


class ProposalCb(CallbackData, prefix="jp"):
    """A button under a proposal's card: save its entries, cancel it, or keep the message as a note."""

    action: Literal["save", "cancel", "note"]
    proposal_id: RowId


class RoutingCb(CallbackData, prefix="jr"):
    """A button under /journal: where the messages that are not plans go."""

    routing: Literal["auto", "journal", "notes"]
