"""Helpers every app's handlers share to answer in the chat."""

from __future__ import annotations

from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from core.telegram.outbox import Outbox


async def say(message: Message, outbox: Outbox, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A plain-text reply in the message's chat."""
    await outbox.send_message(message.chat.id, text, reply_markup=markup, parse_mode=None)


async def edit_pressed(query: CallbackQuery, outbox: Outbox, text: str, markup: InlineKeyboardMarkup | None
                       ) -> None:
    """Edit the message under the pressed button, unless it already reads so (Telegram refuses no-op edits)."""
    message = query.message
    if not isinstance(message, Message):
        return
    if message.text == text and message.reply_markup == markup:
        return
    await outbox.edit_text(message.chat.id, text, message_id=message.message_id, reply_markup=markup,
                           parse_mode=None)
