"""Typed callback data of the documents buttons."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.telegram.callbacks import RowId


class CiteCb(CallbackData, prefix="dcite"):
    """A citation under an answer: send its block's region of the page."""

    block_id: RowId


class DocChatCb(CallbackData, prefix="dchat"):
    """Pick the chat the next questions go to."""

    chat_id: RowId


class RoleCb(CallbackData, prefix="drole"):
    """Pick a role (0: no role)."""

    role_id: Annotated[int, Field(ge=0, le=2**63 - 1)]
